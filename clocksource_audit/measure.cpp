#include "clocksource_audit/measure.h"

#include "clocksource_audit/tsc.h"
#include "common/cpuid.h"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

// An error here means the run was interrupted (SIGINT/SIGTERM): a device that fails is a
// finding inside the measurement, not a reason to stop.
Result<ClocksourceMeasurement> measure_current(const std::string& name, bool current,
                                               const MeasureOptions& options) {
    ClocksourceMeasurement m;
    m.name = name;
    m.current = current;
    m.measured = true;
    m.cost = measure_read_cost(CLOCK_MONOTONIC);
    if (auto tsc = tsc_readable(); !tsc) {
        m.rate_problem = tsc.error().message();
    } else {
        auto reads = sample_clock_against_tsc(CLOCK_MONOTONIC_RAW, options.duration, kNsPerMs,
                                              options.progress);
        if (!reads) return std::unexpected(reads.error());
        if (options.tsc_khz) m.rate = rate_versus_tsc(*reads, *options.tsc_khz);
    }
    m.backward = measure_backward_steps(
        CLOCK_MONOTONIC, std::min<Nanoseconds>(options.duration / 10, 500 * kNsPerMs));
    if (!options.reference) {
        m.reference_problem = options.no_reference_because;
        return m;
    }
    auto reference = compare_with_reference(*options.reference, options.duration, options.rtc_scale,
                                            options.progress);
    if (reference)
        m.reference = std::move(*reference);
    else if (reference.error().errno_value == EINTR)
        return std::unexpected(reference.error());
    else
        m.reference_problem = reference.error().message();
    return m;
}

} // namespace

std::optional<std::int64_t> nominal_tsc_khz(const Inventory& inventory) {
    if (inventory.kernel_messages && inventory.kernel_messages->tsc_khz)
        return inventory.kernel_messages->tsc_khz;
    if (inventory.hypervisor.cpuid_hypervisor_bit) return cpuid_tsc_khz();
    return std::nullopt;
}

std::vector<std::string> clocksources_to_measure(const ClocksourceList& list,
                                                 const MeasureOptions& options) {
    std::vector<std::string> names{list.current};
    if (!options.switch_clocksources) return names;
    for (const auto& name : list.available) {
        if (name == list.current) continue;
        if (!options.only.empty() && std::ranges::find(options.only, name) == options.only.end())
            continue;
        names.push_back(name);
    }
    return names;
}

Result<std::vector<ClocksourceMeasurement>> measure_clocksources(const Inventory& inventory,
                                                                 const SystemFiles& files,
                                                                 const MeasureOptions& options) {
    std::vector<ClocksourceMeasurement> results;
    ClocksourceSwitch switcher(files);
    for (const auto& name : clocksources_to_measure(inventory.clocksources, options)) {
        const bool current = name == inventory.clocksources.current;
        if (!current) {
            if (auto switched = switcher.switch_to(name); !switched) {
                ClocksourceMeasurement skipped;
                skipped.name = name;
                skipped.not_measured_because = switched.error().message();
                results.push_back(std::move(skipped));
                continue;
            }
            spdlog::debug("switched to clocksource {}", name);
        }
        spdlog::info("measuring {} for {:.0f} s", name, to_seconds(options.duration));
        auto measurement = measure_current(name, current, options);
        if (!measurement) return std::unexpected(measurement.error());
        results.push_back(std::move(*measurement));
    }
    if (auto restored = switcher.restore(); !restored) return std::unexpected(restored.error());
    add_unmeasured(inventory.clocksources,
                   options.switch_clocksources ? "not selected" : "not current (use --switch)",
                   results);
    return results;
}

void add_unmeasured(const ClocksourceList& list, const std::string& reason,
                    std::vector<ClocksourceMeasurement>& measurements) {
    for (const auto& name : list.available) {
        if (std::ranges::any_of(measurements, [&](const auto& m) { return m.name == name; }))
            continue;
        ClocksourceMeasurement skipped;
        skipped.name = name;
        skipped.current = name == list.current;
        skipped.not_measured_because = reason;
        measurements.push_back(std::move(skipped));
    }
}

} // namespace guestclock
