// The clock the audit judges the system clock by: a paravirtual PHC (the host's clock) when
// there is one, else the RTC's second edges (also the host's time, one-second resolution).
#pragma once

#include "clocksource_audit/inventory.h"
#include "clocksource_audit/measurement.h"
#include "clocksource_audit/rate_measurement.h"
#include "common/phc.h"
#include "common/rtc.h"
#include "common/rtc_calendar.h"
#include "common/timebase.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

enum class ReferenceKind { phc, rtc };

// What the sampling reads, built in main.cpp (fakes in tests): the chosen device is opened
// only when the measurement starts, and paired with the system clocks on the timebase.
struct ReferenceDevices {
    PhcOpener open_phc;
    std::function<Result<std::unique_ptr<Rtc>>(const std::string& path)> open_rtc;
    Timebase* timebase = nullptr;
};

struct ReferenceChoice {
    ReferenceKind kind = ReferenceKind::phc;
    std::string path;
    ReferenceDevices devices{}; // set by the caller of choose_reference
};

// Pure. option is "auto", "none" or a device path. auto takes the best paravirtual PHC (never
// a NIC's, which follows its own network or nothing), else the RTC the kernel set the clock
// from at boot, else the first RTC. nullopt: no reference (with the reason in why_none).
std::optional<ReferenceChoice> choose_reference(const Inventory& inventory, std::string_view option,
                                                std::string& why_none);

struct ReferenceSample {
    Nanoseconds system_ns = 0;  // CLOCK_REALTIME
    Nanoseconds monoraw_ns = 0; // CLOCK_MONOTONIC_RAW at the same instant
    Nanoseconds reference_ns = 0;
    Nanoseconds uncertainty_ns = 0;
};

// Pure: median offset (system minus reference), an uncertainty from the samples' own pairing
// and their scatter, and the rate of CLOCK_MONOTONIC_RAW against the reference.
ReferenceComparison summarise_reference(const std::vector<ReferenceSample>& samples,
                                        std::string device, std::string method);

// Samples the reference for about `duration`.
Result<ReferenceComparison> compare_with_reference(const ReferenceChoice& choice,
                                                   Nanoseconds duration, RtcTimeScale rtc_scale,
                                                   const ProgressCallback& progress);

} // namespace guestclock
