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
int sync_once(const SyncOptions& options, const TimeEvidence& evidence, ClockAdjuster& adjuster) {
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
    if (auto why = implausible_reading(reading->samples, evidence)) {
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

Result<TimeEvidence> sync_time_evidence(const SyncOptions& options, const SystemFiles& files) {
    TimeEvidence evidence{.build_date = build_date_ns()};
    if (!options.min_time.empty()) {
        auto parsed = parse_utc_time(options.min_time);
        if (!parsed) return fail(0, "--min-time: " + parsed.error().context);
        evidence.min_time = *parsed;
    }
    if (!options.max_offline.empty()) {
        auto parsed = parse_max_offline(options.max_offline);
        if (!parsed) return fail(0, "--max-offline: " + parsed.error().context);
        evidence.max_offline = *parsed;
    }
    // rtc_resync's file: a time the RTC was seen at is a time that has passed, whatever the
    // reference. Missing or unreadable, the build date and --min-time remain.
    const std::string last_good =
        std::string(kDefaultStateDirectory) + "/" + std::string(kLastGoodFile);
    if (auto text = files.read(last_good)) evidence.last_good = parse_last_good(*text);
    return evidence;
}

int run_sync(const SyncOptions& options) {
    auto evidence = sync_time_evidence(options, SystemFiles("/"));
    if (!evidence) {
        spdlog::error("{}", evidence.error().message());
        return kExitUsage;
    }
    if (auto other = disciplining_daemon(); other && !options.force) {
        spdlog::error("{} already disciplines the clock; stop it or use --force", *other);
        return kExitFindings;
    }
    SystemClockAdjuster adjuster;
    if (options.once) return sync_once(options, *evidence, adjuster);

    auto daemon = Daemon::create();
    auto monitor = UdevDeviceMonitor::open("ptp");
    if (!daemon || !monitor) {
        spdlog::error("{}", (!daemon ? daemon.error() : monitor.error()).message());
        return kExitRuntime;
    }
    SyncService service(options, *evidence, adjuster, **daemon);
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
