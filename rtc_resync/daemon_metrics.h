// The daemon's figures for Prometheus (`rtc_resync daemon --prometheus FILE`): what it measured,
// what it did, and in which state it is. Pure: the daemon records into ResyncMetrics and
// format_resync_metrics makes the textfile; tests do the same with numbers.
#pragma once

#include "common/disruption_metrics.h"
#include "common/enum_names.h"
#include "common/textfile_metrics.h"
#include "common/time_ns.h"
#include "rtc_resync/correction.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace guestclock {

enum class ResyncState {
    starting,        // no measurement yet
    synchronising,   // the last measurement was accepted and stepped, slewed or needed nothing
    standing_down,   // beside a synchronised time daemon: only jumps are ours
    refusing,        // the last measurement or its correction was refused (see the refusal)
    waiting_for_rtc, // no RTC, or it failed: waiting for udev or the next check
};
inline constexpr std::array<EnumName<ResyncState>, 5> kResyncStateNames{{
    {ResyncState::starting, "starting"},
    {ResyncState::synchronising, "synchronising"},
    {ResyncState::standing_down, "standing_down"},
    {ResyncState::refusing, "refusing"},
    {ResyncState::waiting_for_rtc, "waiting_for_rtc"},
}};
constexpr std::string_view resync_state_name(ResyncState state) {
    return name_in(kResyncStateNames, state);
}

struct ResyncMetrics {
    ResyncState state = ResyncState::starting;
    Refusal refusal = Refusal::none; // while refusing

    // The last measurement the reference gate accepted, as measured (before its correction).
    std::optional<Nanoseconds> system_minus_rtc_ns;
    Nanoseconds uncertainty_ns = 0;
    Nanoseconds measured_at_ns = 0; // Unix time, by the system clock after the correction

    // The last change made to the clock: what was added to it (positive: moved forward).
    std::optional<Nanoseconds> last_correction_ns;
    Nanoseconds corrected_at_ns = 0; // Unix time
    std::uint64_t steps = 0;
    std::uint64_t slews = 0;

    double frequency_ppb = 0; // the correction the servo holds in the kernel

    DisruptionCount disruptions; // reported by the vmclock page since the daemon started
};

// Records one measurement and its decision. corrected_ns: what was added to the clock (the step,
// or the slew the servo asked for); nullopt when nothing was, or the adjustment failed.
// now_ns: CLOCK_REALTIME read after the correction.
void record_measurement(ResyncMetrics& metrics, const Measurement& measurement,
                        const Decision& decision, std::optional<Nanoseconds> corrected_ns,
                        Nanoseconds now_ns);

// The RTC is gone or failed.
void record_waiting_for_rtc(ResyncMetrics& metrics);

// The textfile: guestclock_rtc_resync_* (see rtc_resync(8) and docs/monitoring.md). Gauges with
// nothing to show yet (no accepted measurement, no correction) are left out, never shown as 0.
TextfileMetrics format_resync_metrics(const ResyncMetrics& metrics);

} // namespace guestclock
