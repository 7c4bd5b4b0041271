// `sync` as a daemon: the state kept between timer ticks (the open PHC, the servo, failures,
// the vmclock page, the figures for Prometheus) and what each tick and each udev event does
// with it.
#pragma once

#include "common/clock_adjuster.h"
#include "common/daemon.h"
#include "common/device_monitor.h"
#include "common/metrics_file.h"
#include "common/phc.h"
#include "common/vmclock_watch.h"
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/sync_metrics.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace guestclock {

// The path to follow: the one given, or the best paravirtual PHC present now.
Result<std::string> sync_device_path(const SyncOptions& options);

// The daemon's state between timer ticks: the open device, the servo, the failure count.
class SyncService {
  public:
    SyncService(const SyncOptions& options, const TimeEvidence& evidence, ClockAdjuster& adjuster,
                Daemon& daemon)
        : options_(options), daemon_(daemon),
          follower_(adjuster,
                    ServoConfig{.step_threshold_ns =
                                    static_cast<Nanoseconds>(options.step_threshold_s * 1e9)},
                    evidence),
          adjuster_(adjuster) {
        if (!options.prometheus.empty()) metrics_file_.emplace(options.prometheus);
    }

    Status start();

    // Watches /dev/vmclockN, whichever PHC is followed: a snapshot restore or a migration
    // voids what the servo learnt and is corrected at the very next update (a step).
    Status watch_vmclock(DeviceFinder& finder, VmclockOpener open, DeviceMonitor* misc_events);

    // One update, then the textfile (with --prometheus), whatever the update's outcome.
    void tick();

    // A udev event for ptp devices: forget a device that went away; look again on an arrival.
    void on_device_event(const DeviceEvent& event);

    void set_fire_soon(std::function<void()> fire) { fire_soon_ = std::move(fire); }
    // Our own steps echo as clock-set events; only others' sets need a fresh measurement.
    bool own_step_recently(Nanoseconds now) const;

  private:
    void follow();

    bool open_device();

    Result<std::unique_ptr<DevicePhc>> open_phc() const;

    void close_device();

    // After a migration the counter's rate is new and after a restore the time jumped: what
    // the servo learnt is void, so it starts over (and steps) at once.
    void disrupted();

    // Every update without a reading, whether the device fails or is missing, counts; after
    // a while the kernel must stop telling others the clock is synchronised.
    void count_failure();

    void on_failure(const Error& error);

    void report(const FollowerUpdate& update, Nanoseconds now);

    void export_metrics();

    const SyncOptions& options_;
    Daemon& daemon_;
    ClockFollower follower_;
    ClockAdjuster& adjuster_;
    std::unique_ptr<DevicePhc> phc_;
    std::string devnode_;
    std::optional<VmclockWatch> vmclock_;
    std::function<void()> fire_soon_ = [] {};
    int failures_ = 0;
    bool ready_ = false;
    bool waiting_logged_ = false;
    Nanoseconds last_step_ns_ = 0;
    SyncMetrics metrics_;
    std::optional<MetricsFile> metrics_file_;
    SyncMetricsPacer metrics_pacer_;
};

} // namespace guestclock
