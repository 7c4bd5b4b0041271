// `rtc_resync daemon`: the measure-decide-correct pipeline driven by an event loop.
//  - every check_interval (1 s): one RTC_RD_TIME against CLOCK_REALTIME in whole seconds, and
//    CLOCK_BOOTTIME against CLOCK_MONOTONIC; a disagreement of jump_threshold or a resume from
//    suspend triggers (beside a synchronised time daemon: once the daemon's grace to correct
//    it itself has passed) an immediate correction from one polled edge checked against that
//    whole-second read (no stale interrupt to skip), then a full measurement that steps even
//    a small residue, so a paused guest is right to milliseconds within about two seconds of
//    waking and to the full precision a few seconds later;
//  - every interval (60 s): a precise measurement; below the step threshold the offset is
//    slewed and the frequency servo learns the clock's rate error;
//  - someone set the clock (TFD_TIMER_CANCEL_ON_SET) other than us: measure at once;
//  - the vmclock page's markers changed (a snapshot restore or a migration, see
//    common/vmclock_watch.h, which reads it on its own wake-ups): what was learnt of the clock's
//    rate is forgotten and the clock is measured and stepped at once, whatever the size of the jump
//    (a sub-second revert too); beside a synchronised chronyd, chronyd is asked to measure and
//    step now, and the daemon's grace then applies as for any jump;
//  - the RTC vanished or fails: keep running, reopen it when udev announces an RTC or at the
//    next check;
//  - with --prometheus: the textfile is rewritten after each measurement, and when the 1 s
//    check finds the RTC gone (see daemon_metrics.h).
// The RTC is opened for each read and closed right after, since only one process at a time
// may have it open.
#pragma once

#include "common/chrony_control.h"
#include "common/clock_adjuster.h"
#include "common/daemon.h"
#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/metrics_file.h"
#include "common/rtc.h"
#include "common/system_files.h"
#include "common/timebase.h"
#include "common/vmclock_watch.h"
#include "rtc_resync/correction.h"
#include "rtc_resync/daemon_metrics.h"
#include "rtc_resync/frequency_servo.h"
#include "rtc_resync/jump_detection.h"
#include "rtc_resync/rtc_selection.h"
#include "rtc_resync/settings.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace guestclock {

using RtcOpener = std::function<Result<std::unique_ptr<Rtc>>(const std::string& path)>;
using SettingsLoader = std::function<Result<ResyncSettings>()>;

struct ResyncDevices {
    ClockAdjuster& adjuster;
    Timebase& timebase;
    const SystemFiles& files;
    DeviceFinder& finder;
    RtcOpener open_rtc;
    DeviceMonitor* rtc_events = nullptr;  // udev's rtc events, to notice an RTC coming back
    MetricsFile* metrics = nullptr;       // node_exporter's textfile, when --prometheus names one
    VmclockOpener open_vmclock{};         // empty: no vmclock watching
    DeviceMonitor* misc_events = nullptr; // udev's misc events, for vmclock devices
    ChronyControl* chrony = nullptr;      // to ask a synchronised chronyd to step
};

class ResyncDaemon {
  public:
    ResyncDaemon(ResyncDevices devices, ResyncSettings settings, SettingsLoader reload);

    // Timers, signals and clock-set events on loop; the first measurement runs at once.
    Status attach(Daemon& loop);

    // One cheap check (the 1 s timer's work), and one measurement with correction. Public for
    // tests, which drive them without a loop.
    void check();
    void measure_and_correct();
    void clock_was_set();
    // One look at the vmclock page (its own timer's or the driver's wake-up).
    void check_vmclock();
    // The vmclock page says the guest was restored or migrated (VmclockWatch's callback).
    void disrupted(const VmclockDisruption& disruption);
    // One look at a request to chronyd under way (the quick timer's work).
    void follow_chrony_request();

    double frequency_ppb() const { return servo_.frequency_ppb(); }
    const std::optional<Decision>& last_decision() const { return last_decision_; }
    const ResyncMetrics& metrics() const { return metrics_; }

  private:
    // Opens the selected RTC for one use (selecting it first if needed); nullptr when there is
    // none or it is busy. Never held open between uses: the kernel lets only one process
    // open an RTC, and hwclock or another reader must get their turn.
    std::unique_ptr<Rtc> open_rtc();
    std::optional<Nanoseconds> read_whole_second_system_minus_rtc();
    void correct_jump(Nanoseconds coarse_offset);
    // The kernel's sync state and the time daemons beside us, read now.
    Result<ClockSituation> situation_now();
    // True while a synchronised time daemon is within its grace to correct a jump itself.
    bool leave_jump_to_daemon();
    // A step asked of chronyd is still under way (polled now, so it may just have ended).
    bool chrony_is_correcting();
    void measure_and_correct(EdgeReadOptions options, std::optional<Nanoseconds> coarse_offset);
    void rtc_event();
    void lose_rtc(const Error& error);
    void reload();
    void ask_chrony_to_step();
    void publish(const Measurement& measurement, const Decision& decision,
                 std::optional<Nanoseconds> corrected_ns);
    // Rewrites the textfile (when there is one): after each measurement, and after a state
    // change found between measurements.
    void export_metrics();
    void export_state_change();

    ResyncDevices devices_;
    ResyncSettings settings_;
    SettingsLoader reload_;
    Daemon* loop_ = nullptr;
    PeriodicTimer* check_timer_ = nullptr;
    PeriodicTimer* measure_timer_ = nullptr;
    PeriodicTimer* chrony_timer_ = nullptr;
    std::optional<VmclockWatch> vmclock_;
    ChronyStepRequest chrony_request_;
    // A disruption was seen and not yet measured: the next accepted measurement steps even a
    // small offset, since the clock has just jumped by an unknown amount.
    bool disruption_pending_ = false;

    std::optional<SelectedRtc> selected_;
    std::string last_device_error_;
    RtcTimeScale scale_ = RtcTimeScale::utc;
    FrequencyServo servo_;
    SuspendDetector suspend_;
    JumpGrace jump_grace_;
    bool own_step_pending_ = false;
    bool refine_after_jump_ = false;
    std::string last_refusal_;
    Nanoseconds last_good_saved_monoraw_ = 0;
    bool last_good_saved_ = false;
    std::optional<Decision> last_decision_;
    ResyncMetrics metrics_;
    bool metrics_changed_ = false; // since the textfile was last written
};

} // namespace guestclock
