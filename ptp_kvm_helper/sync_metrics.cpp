#include "ptp_kvm_helper/sync_metrics.h"

#include <string>

namespace guestclock {

void record_update(SyncMetrics& metrics, const FollowerUpdate& update, bool locked,
                   Nanoseconds now_ns) {
    using Kind = ServoAction::Kind;
    metrics.state = locked ? SyncState::locked : SyncState::acquiring;
    metrics.system_minus_phc_ns = update.system_minus_phc_ns;
    metrics.measured_at_ns = now_ns;
    const Kind kind = update.action.kind;
    if (kind == Kind::frequency || kind == Kind::step_and_frequency)
        metrics.frequency_ppb = update.action.frequency_ppb;
    if (kind == Kind::step || kind == Kind::step_and_frequency) {
        ++metrics.steps;
        metrics.last_step_ns = update.action.step_ns;
        metrics.stepped_at_ns = now_ns;
    }
}

void record_no_reading(SyncMetrics& metrics, bool device_open) {
    metrics.state = device_open ? SyncState::holdover : SyncState::waiting_for_phc;
}

TextfileMetrics format_sync_metrics(const SyncMetrics& m) {
    TextfileMetrics metrics;
    metrics.describe("guestclock_ptp_kvm_sync_state",
                     "1 for the servo's current state: waiting_for_phc, acquiring (first reading "
                     "of a device), locked, holdover (PHC failing, frequency held).");
    for (const auto& [state, name] : kSyncStateNames)
        metrics.add("guestclock_ptp_kvm_sync_state", {{"state", std::string(name)}},
                    state == m.state ? 1 : 0);

    if (m.system_minus_phc_ns) {
        metrics.gauge("guestclock_ptp_kvm_sync_offset_seconds",
                      "System clock minus PHC at the last reading, before its correction.",
                      to_seconds(*m.system_minus_phc_ns));
        metrics.gauge("guestclock_ptp_kvm_sync_last_measurement_timestamp_seconds",
                      "Unix time of the last reading.", timestamp_seconds(m.measured_at_ns));
    }

    metrics.gauge("guestclock_ptp_kvm_sync_frequency_ppm",
                  "Frequency correction the servo holds in the kernel.", m.frequency_ppb / 1000.0);

    metrics.describe("guestclock_ptp_kvm_sync_steps_total", "Steps made since the servo started.",
                     "counter");
    metrics.add("guestclock_ptp_kvm_sync_steps_total", static_cast<double>(m.steps));
    if (m.last_step_ns) {
        metrics.gauge("guestclock_ptp_kvm_sync_last_step_seconds",
                      "Added to the system clock by the last step (positive: forward).",
                      to_seconds(*m.last_step_ns));
        metrics.gauge("guestclock_ptp_kvm_sync_last_step_timestamp_seconds",
                      "Unix time of the last step.", timestamp_seconds(m.stepped_at_ns));
    }
    add_disruption_metrics(metrics, "guestclock_ptp_kvm_sync", m.disruptions);
    return metrics;
}

bool SyncMetricsPacer::due(const SyncMetrics& metrics, Nanoseconds now_monotonic_ns) {
    const bool changed = metrics.state != state_ || metrics.steps != steps_ ||
                         metrics.disruptions.count != disruptions_;
    if (written_at_ && !changed && now_monotonic_ns - *written_at_ < kEvery) return false;
    written_at_ = now_monotonic_ns;
    state_ = metrics.state;
    steps_ = metrics.steps;
    disruptions_ = metrics.disruptions.count;
    return true;
}

} // namespace guestclock
