// `sync` as a daemon: the state kept between timer ticks (the open PHC, the servo, failures,
// the vmclock page, the figures for Prometheus) and what each tick and each udev event does
// with it.
#pragma once

#include "common/daemon.h"
#include "common/device_monitor.h"
#include "common/metrics_file.h"
#include "common/phc.h"
#include "common/vmclock_watch.h"
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/sync_metrics.h"

#include <memory>
#include <optional>
#include <string>

namespace guestclock {

// The time daemon that disciplines CLOCK_REALTIME besides us (chronyd, ntpd, ...), if any;
// ptp4l alone steers only a PHC.
std::optional<std::string> disciplining_daemon(const SystemFiles& files);

// The daemon's state between timer ticks: the open device, the servo, the failure count.
class SyncService {
  public:
    SyncService(PtpDevices& devices, const SyncOptions& options, const TimeEvidence& evidence,
                Daemon& daemon)
        : devices_(devices), options_(options), daemon_(daemon),
          follower_(devices.adjuster,
                    ServoConfig{.step_threshold_ns =
                                    static_cast<Nanoseconds>(options.step_threshold_s * 1e9)},
                    evidence) {
        if (!options.prometheus.empty()) metrics_file_.emplace(options.prometheus);
    }

    Status start();

    // Wires the daemon's work into its loop: a tick every --interval, udev's ptp_events
    // (opened before the service looked for a PHC), clock sets by others, and /dev/vmclockN,
    // whichever PHC is followed: a snapshot restore or a migration voids what the servo learnt
    // and is corrected at the very next update (a step).
    Status attach(DeviceMonitor& ptp_events);

    // One update, then the textfile (with --prometheus), whatever the update's outcome.
    void tick();

    // A udev event for ptp devices: forget a device that went away; look again on an arrival.
    void on_device_event(const DeviceEvent& event);

    // CLOCK_REALTIME was set: measure at once, unless it was the echo of our own step.
    void clock_was_set();

    // After a migration the counter's rate is new and after a restore the time jumped: what
    // the servo learnt is void, so it starts over (and steps) at once. VmclockWatch's callback.
    void disrupted();

    const SyncMetrics& metrics() const { return metrics_; }

  private:
    // Without --force, a time daemon that started after us gets the clock: two servos would
    // fight over it. Looked for at the first tick and every 10 s's worth of ticks after it,
    // within a tick (no wakeup of its own).
    bool daemon_took_over();
    void follow();
    bool open_device();
    // The path given, or the best paravirtual PHC present now.
    Result<std::unique_ptr<Phc>> open_phc() const;
    void close_device();
    void fire_soon();

    // Every update without a reading, whether the device fails or is missing, counts; after
    // a while the kernel must stop telling others the clock is synchronised.
    void count_failure();

    void on_failure(const Error& error);

    void report(const FollowerUpdate& update, Nanoseconds now);

    void export_metrics();

    PtpDevices& devices_;
    const SyncOptions& options_;
    Daemon& daemon_;
    ClockFollower follower_;
    std::unique_ptr<Phc> phc_;
    std::string devnode_;
    PeriodicTimer* tick_timer_ = nullptr; // set by attach()
    std::unique_ptr<DeviceMonitor> misc_events_;
    std::optional<VmclockWatch> vmclock_;
    int failures_ = 0;
    bool ready_ = false;
    bool waiting_logged_ = false;
    Nanoseconds last_step_ns_ = 0;
    int ticks_to_daemon_check_ = 0;
    SyncMetrics metrics_;
    std::optional<MetricsFile> metrics_file_;
    SyncMetricsPacer metrics_pacer_;
};

} // namespace guestclock
