#include "rtc_resync/daemon_metrics.h"

#include <string>

namespace guestclock {

namespace {

ResyncState state_after(Action action) {
    switch (action) {
    case Action::stand_down:
        return ResyncState::standing_down;
    case Action::refuse:
        return ResyncState::refusing;
    default:
        return ResyncState::synchronising;
    }
}

} // namespace

void record_measurement(ResyncMetrics& metrics, const Measurement& measurement,
                        const Decision& decision, std::optional<Nanoseconds> corrected_ns,
                        Nanoseconds now_ns) {
    metrics.state = state_after(decision.action);
    metrics.refusal = decision.refusal;
    // A reading the gate accepted is the truth about the clock even when the policy refuses to
    // act on it (a circular reference, too large to slew): exactly when it should alert.
    if (measurement.verdict.accepted()) {
        metrics.system_minus_rtc_ns = measurement.estimate.system_minus_rtc_ns;
        metrics.uncertainty_ns = measurement.estimate.uncertainty_ns;
        metrics.measured_at_ns = now_ns;
    }
    if (corrected_ns && (decision.action == Action::step || decision.action == Action::slew)) {
        metrics.last_correction_ns = corrected_ns;
        metrics.corrected_at_ns = now_ns;
        if (decision.action == Action::step)
            ++metrics.steps;
        else
            ++metrics.slews;
    }
}

void record_waiting_for_rtc(ResyncMetrics& metrics) {
    metrics.state = ResyncState::waiting_for_rtc;
    metrics.refusal = Refusal::none;
}

TextfileMetrics format_resync_metrics(const ResyncMetrics& m) {
    TextfileMetrics metrics;
    metrics.describe("guestclock_rtc_resync_state",
                     "1 for the daemon's current state: starting, synchronising, standing_down "
                     "(beside a synchronised time daemon), refusing (its reference), "
                     "waiting_for_rtc.");
    for (const auto& [state, name] : kResyncStateNames)
        metrics.add("guestclock_rtc_resync_state", {{"state", std::string(name)}},
                    state == m.state ? 1 : 0);

    metrics.describe("guestclock_rtc_resync_refusal",
                     "1 for the reason the last measurement or correction was refused, while "
                     "refusing.");
    for (const auto& [refusal, name] : kRefusalNames)
        if (refusal != Refusal::none)
            metrics.add("guestclock_rtc_resync_refusal", {{"reason", std::string(name)}},
                        m.state == ResyncState::refusing && refusal == m.refusal ? 1 : 0);

    if (m.system_minus_rtc_ns) {
        metrics.gauge("guestclock_rtc_resync_offset_seconds",
                      "System clock minus RTC at the last accepted measurement, before its "
                      "correction.",
                      to_seconds(*m.system_minus_rtc_ns));
        metrics.gauge("guestclock_rtc_resync_uncertainty_seconds",
                      "The offset lies within this either side.", to_seconds(m.uncertainty_ns));
        metrics.gauge("guestclock_rtc_resync_last_measurement_timestamp_seconds",
                      "Unix time of the last accepted measurement.",
                      timestamp_seconds(m.measured_at_ns));
    }

    if (m.last_correction_ns) {
        metrics.gauge("guestclock_rtc_resync_last_correction_seconds",
                      "Added to the system clock by the last step or slew (positive: forward).",
                      to_seconds(*m.last_correction_ns));
        metrics.gauge("guestclock_rtc_resync_last_correction_timestamp_seconds",
                      "Unix time of the last step or slew.", timestamp_seconds(m.corrected_at_ns));
    }

    metrics.describe("guestclock_rtc_resync_corrections_total",
                     "Steps and slews made since the daemon started.", "counter");
    metrics.add("guestclock_rtc_resync_corrections_total", {{"action", "step"}},
                static_cast<double>(m.steps));
    metrics.add("guestclock_rtc_resync_corrections_total", {{"action", "slew"}},
                static_cast<double>(m.slews));

    metrics.gauge("guestclock_rtc_resync_frequency_ppm",
                  "Frequency correction the servo holds in the kernel.", m.frequency_ppb / 1000.0);

    add_disruption_metrics(metrics, "guestclock_rtc_resync", m.disruptions);
    return metrics;
}

} // namespace guestclock
