// One clocksource measured: read cost, rate against the TSC, backward steps, and (when a
// reference clock exists) its offset and rate against that reference.
#pragma once

#include "clocksource_audit/backward_steps.h"
#include "clocksource_audit/rate_measurement.h"
#include "clocksource_audit/read_cost.h"

#include <optional>
#include <string>
#include <vector>

namespace guestclock {

struct ReferenceComparison {
    std::string device;                        // "/dev/ptp0", "/dev/rtc0"
    std::string method;                        // "precise", "extended", "basic", "uie", "poll"
    Nanoseconds system_minus_reference_ns = 0; // the median
    Nanoseconds uncertainty_ns = 0;
    std::optional<double> rate_ppm; // CLOCK_MONOTONIC_RAW against the reference
    std::optional<double> rate_ci_ppm;
    std::size_t samples = 0;
};

struct ClocksourceMeasurement {
    std::string name;
    bool current = false; // the clocksource in use when the audit started
    bool measured = false;
    std::string not_measured_because;
    ReadCost cost;
    std::optional<RateVersusTsc> rate;
    std::string rate_problem; // why no rate could be measured at all (no TSC on this architecture)
    BackwardSteps backward;
    std::optional<ReferenceComparison> reference;
    std::string reference_problem; // why no reference comparison, when one was wanted
};

} // namespace guestclock
