// One measurement and one correction, over the device interfaces: the pipeline shared by
// `status`, `once` and each of the daemon's measurements. No logging here; callers log the
// returned decision in one place.
#pragma once

#include "common/clock_adjuster.h"
#include "common/rtc.h"
#include "common/timebase.h"
#include "rtc_resync/correction_policy.h"
#include "rtc_resync/offset_estimate.h"
#include "rtc_resync/reference_gate.h"

#include <vector>

namespace guestclock {

struct Measurement {
    std::vector<RtcEdge> edges;
    OffsetEstimate estimate;
    GateVerdict verdict;
};

// Reads the edges, estimates and judges them. An error only when the RTC could not be read;
// an implausible reading is a Measurement whose verdict refuses it.
Result<Measurement> measure_offset(Rtc& rtc, Timebase& timebase, const EdgeReadOptions& edges,
                                   const GateLimits& limits);

// The decision for a measurement: a refused reference becomes Action::refuse with the gate's
// reason, whatever the policy would have said.
Decision decide(const Measurement& measurement, const ClockSituation& situation,
                const PolicySettings& settings);

// Makes the decision's change (step or slew); nothing for the other actions or a dry run.
Status apply_decision(const Decision& decision, ClockAdjuster& adjuster, bool dry_run);

} // namespace guestclock
