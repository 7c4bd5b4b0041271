#include "common/clock_adjuster.h"
#include "common/daemon.h"
#include "common/device_monitor.h"
#include "common/system_files.h"
#include "common/time_daemons.h"
#include "common/vmclock.h"
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/sync_service.h"

#include <cstdlib>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

std::optional<std::string> disciplining_daemon() {
    for (const auto& daemon : find_time_daemons(SystemFiles("/")))
        if (daemon.name != "ptp4l") return daemon.name; // ptp4l alone steers only a PHC
    return std::nullopt;
}

// --once: one reading, then a step beyond the threshold or a kernel slew below it.
int sync_once(const SyncOptions& options, ClockAdjuster& adjuster) {
    auto path = sync_device_path(options);
    if (!path) {
        spdlog::error("{}", path.error().message());
        return kExitFindings;
    }
    auto reading = read_phc_offset(*path, 5);
    if (!reading) {
        spdlog::error("{}", reading.error().message());
        return kExitRuntime;
    }
    if (auto why = implausible_reading(reading->samples)) {
        spdlog::error("refusing a reading of {}: {}", *path, *why);
        return kExitRuntime;
    }
    const PhcSample& best = tightest_sample(reading->samples);
    const Nanoseconds offset = best.offset_ns();
    const bool step =
        std::llabs(offset) >= static_cast<Nanoseconds>(options.step_threshold_s * 1e9);
    auto done = step ? adjuster.step(offset) : adjuster.slew(offset);
    if (done) done = adjuster.set_sync_status(true, best.delay_ns + kNsPerMs / 10, best.delay_ns);
    if (!done) {
        spdlog::error("{}", done.error().message());
        return kExitRuntime;
    }
    spdlog::info("{} the clock by {} ns to {} (via {})", step ? "stepped" : "slewing", offset,
                 *path, phc_method_name(reading->method));
    return kExitOk;
}

} // namespace

int run_sync(const SyncOptions& options) {
    if (auto other = disciplining_daemon(); other && !options.force) {
        spdlog::error("{} already disciplines the clock; stop it or use --force", *other);
        return kExitFindings;
    }
    SystemClockAdjuster adjuster;
    if (options.once) return sync_once(options, adjuster);

    auto daemon = Daemon::create();
    auto monitor = UdevDeviceMonitor::open("ptp");
    if (!daemon || !monitor) {
        spdlog::error("{}", (!daemon ? daemon.error() : monitor.error()).message());
        return kExitRuntime;
    }
    SyncService service(options, adjuster, **daemon);
    if (auto started = service.start(); !started) {
        spdlog::error("{}", started.error().message());
        return kExitRuntime;
    }
    // Sampled on time to the microsecond: sd-event's default slack (250 ms) would stretch some
    // intervals by a quarter, and the offset drifts on through every one of them.
    auto timer = (*daemon)->add_periodic(
        static_cast<Nanoseconds>(options.interval_s * 1e9), [&] { service.tick(); }, kNsPerUs);
    if (!timer) {
        spdlog::error("{}", timer.error().message());
        return kExitRuntime;
    }
    PeriodicTimer* tick_timer = *timer;
    service.set_fire_soon([tick_timer] { tick_timer->fire_soon(); });
    // Without udev's misc events a vmclock device that appears later is not seen: said, no more.
    auto misc_monitor = UdevDeviceMonitor::open("misc");
    if (!misc_monitor) spdlog::warn("{}", misc_monitor.error().message());
    UdevDeviceFinder finder;
    if (auto watching = service.watch_vmclock(
            finder,
            [](const std::string& path) -> Result<std::unique_ptr<Vmclock>> {
                auto vmclock = DeviceVmclock::open(path);
                if (!vmclock) return std::unexpected(vmclock.error());
                return std::unique_ptr<Vmclock>(std::move(*vmclock));
            },
            misc_monitor ? misc_monitor->get() : nullptr);
        !watching) {
        spdlog::error("{}", watching.error().message());
        return kExitRuntime;
    }
    DeviceMonitor& events = **monitor;
    Status watched = (*daemon)->watch_readable(events.fd(), [&] {
        if (auto event = events.wait(0); event && *event) service.on_device_event(**event);
    });
    if (watched)
        watched = (*daemon)->on_clock_set([&] {
            if (!service.own_step_recently(now_ns(CLOCK_MONOTONIC))) tick_timer->fire_soon();
        });
    if (!watched) {
        spdlog::error("{}", watched.error().message());
        return kExitRuntime;
    }
    service.tick(); // the first correction now, not one interval later
    auto code = (*daemon)->run();
    if (!code) {
        spdlog::error("{}", code.error().message());
        return kExitRuntime;
    }
    return *code;
}

} // namespace guestclock
