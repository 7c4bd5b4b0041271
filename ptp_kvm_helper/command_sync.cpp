#include "common/daemon.h"
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/phc_discovery.h"
#include "ptp_kvm_helper/sync_service.h"

#include <cstdlib>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

// --once: one reading, then a step beyond the threshold or a kernel slew below it.
int sync_once(const SyncOptions& options, const TimeEvidence& evidence, PtpDevices& devices) {
    auto path = phc_path(devices.finder, options.device, false);
    if (!path) {
        spdlog::error("{}", path.error().message());
        return kExitFindings;
    }
    auto phc = devices.open_phc(*path);
    auto reading = phc ? read_phc_offset(**phc, 5) : std::unexpected(phc.error());
    if (!reading) {
        spdlog::error("{}", reading.error().message());
        return kExitRuntime;
    }
    if (auto why = implausible_reading(reading->samples, evidence)) {
        spdlog::error("refusing a reading of {}: {}", *path, *why);
        return kExitRuntime;
    }
    const PhcSample& best = tightest_sample(reading->samples);
    const Nanoseconds correction = -best.system_minus_phc_ns();
    const bool step =
        std::llabs(correction) >= static_cast<Nanoseconds>(options.step_threshold_s * 1e9);
    ClockAdjuster& adjuster = devices.adjuster;
    auto done = step ? adjuster.step(correction) : adjuster.slew(correction);
    if (done) done = adjuster.set_sync_status(true, best.delay_ns + kNsPerMs / 10, best.delay_ns);
    if (!done) {
        spdlog::error("{}", done.error().message());
        return kExitRuntime;
    }
    spdlog::info("{} the clock by {} ns to {} (via {})", step ? "stepped" : "slewing", correction,
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

int run_sync(const SyncOptions& options, PtpDevices& devices) {
    auto evidence = sync_time_evidence(options, devices.files);
    if (!evidence) {
        spdlog::error("{}", evidence.error().message());
        return kExitUsage;
    }
    if (auto other = disciplining_daemon(devices.files); other && !options.force) {
        spdlog::error("{} already disciplines the clock; stop it or use --force", *other);
        return kExitFindings;
    }
    if (options.once) return sync_once(options, *evidence, devices);

    auto daemon = Daemon::create();
    auto monitor = devices.open_monitor("ptp");
    if (!daemon || !monitor) {
        spdlog::error("{}", (!daemon ? daemon.error() : monitor.error()).message());
        return kExitRuntime;
    }
    SyncService service(devices, options, *evidence, **daemon);
    Status started = service.start();
    if (started) started = service.attach(**monitor);
    if (!started) {
        spdlog::error("{}", started.error().message());
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
