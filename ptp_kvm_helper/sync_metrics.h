// The figures of `sync` for Prometheus (`ptp_kvm_helper sync --prometheus FILE`): the last
// reading, the servo's frequency, its steps, and in which state it is. Pure: the service records
// each update into SyncMetrics and format_sync_metrics makes the textfile; tests do the same
// with numbers.
#pragma once

#include "common/disruption_metrics.h"
#include "common/enum_names.h"
#include "common/textfile_metrics.h"
#include "common/time_ns.h"
#include "ptp_kvm_helper/clock_follower.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace guestclock {

enum class SyncState {
    waiting_for_phc, // no paravirtual PHC (yet, or it was removed)
    acquiring,       // the first reading from this device: the rate is not known yet
    locked,          // the servo runs on a known rate
    holdover,        // the PHC fails or its readings are refused: the frequency is held
};
inline constexpr std::array<EnumName<SyncState>, 4> kSyncStateNames{{
    {SyncState::waiting_for_phc, "waiting_for_phc"},
    {SyncState::acquiring, "acquiring"},
    {SyncState::locked, "locked"},
    {SyncState::holdover, "holdover"},
}};
constexpr std::string_view sync_state_name(SyncState state) {
    return name_in(kSyncStateNames, state);
}

struct SyncMetrics {
    SyncState state = SyncState::waiting_for_phc;

    // The last reading that moved the servo, as read (before its correction).
    std::optional<Nanoseconds> system_minus_phc_ns;
    Nanoseconds measured_at_ns = 0; // Unix time, by the system clock after the correction

    double frequency_ppb = 0; // the frequency correction in force in the kernel

    std::uint64_t steps = 0;
    std::optional<Nanoseconds> last_step_ns; // added to the clock (positive: moved forward)
    Nanoseconds stepped_at_ns = 0;           // Unix time

    DisruptionCount disruptions; // reported by the vmclock page since the servo started
};

// Records one successful update. locked: the servo's state after it. now_ns: CLOCK_REALTIME
// read after the correction.
void record_update(SyncMetrics& metrics, const FollowerUpdate& update, bool locked,
                   Nanoseconds now_ns);

// An update without a reading: holdover while a device is open, else waiting for one.
void record_no_reading(SyncMetrics& metrics, bool device_open);

// Whether the textfile is due: at once when the state, the step or the disruption count changed,
// else at most every `every`. The servo updates every second; a scrape comes every 15 s or more,
// and each write is an fsync'd file on the guest's disk.
class SyncMetricsPacer {
  public:
    static constexpr Nanoseconds kEvery = 10 * kNsPerSec;
    bool due(const SyncMetrics& metrics, Nanoseconds now_monotonic_ns);

  private:
    std::optional<Nanoseconds> written_at_;
    SyncState state_ = SyncState::waiting_for_phc;
    std::uint64_t steps_ = 0;
    std::uint64_t disruptions_ = 0;
};

// The textfile: guestclock_ptp_kvm_sync_* (see ptp_kvm_helper(8) and docs/monitoring.md).
// Gauges with nothing to show yet (no reading, no step) are left out, never shown as 0.
TextfileMetrics format_sync_metrics(const SyncMetrics& metrics);

} // namespace guestclock
