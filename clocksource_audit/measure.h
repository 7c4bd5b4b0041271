// Drives the measurements: for each clocksource (switching to it only when asked), read cost,
// rate against the TSC, backward steps; the original clocksource is always put back.
#pragma once

#include "clocksource_audit/inventory.h"
#include "clocksource_audit/measurement.h"
#include "clocksource_audit/reference.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

struct MeasureOptions {
    bool switch_clocksources = false;     // measure every available one, not just the current
    std::vector<std::string> only;        // with switching: just these
    Nanoseconds duration = 5 * kNsPerSec; // of the rate window, per clocksource
    std::optional<std::int64_t> tsc_khz;  // nominal TSC frequency; no rate without it
    std::optional<ReferenceChoice> reference;
    std::string no_reference_because;
    RtcTimeScale rtc_scale = RtcTimeScale::utc;
    ProgressCallback progress;
};

// The TSC frequency the kernel calibrated (kernel log), else the hypervisor's timing leaf.
std::optional<std::int64_t> nominal_tsc_khz(const Inventory& inventory);

// Which clocksources a run measures, in order (the current one first).
std::vector<std::string> clocksources_to_measure(const ClocksourceList& list,
                                                 const MeasureOptions& options);

// Entries for the available clocksources not yet in measurements, so every report lists all.
void add_unmeasured(const ClocksourceList& list, const std::string& reason,
                    std::vector<ClocksourceMeasurement>& measurements);

Result<std::vector<ClocksourceMeasurement>> measure_clocksources(const Inventory& inventory,
                                                                 const SystemFiles& files,
                                                                 const MeasureOptions& options);

} // namespace guestclock
