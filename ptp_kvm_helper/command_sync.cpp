#include "common/clock_adjuster.h"
#include "common/daemon.h"
#include "common/device_monitor.h"
#include "common/logging.h"
#include "common/system_files.h"
#include "common/time_daemons.h"
#include "common/vmclock.h"
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/phc_discovery.h"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

// After this many failed updates in a row we no longer claim the clock is synchronised.
constexpr int kFailuresBeforeUnsync = 10;

// Errnos by which a PHC says it is gone (module removed): reopen once udev brings it back.
bool device_gone(const Error& error) {
    return error.errno_value == ENODEV || error.errno_value == ENXIO || error.errno_value == ENOENT;
}

std::optional<std::string> disciplining_daemon() {
    for (const auto& daemon : find_time_daemons(SystemFiles("/")))
        if (daemon.name != "ptp4l") return daemon.name; // ptp4l alone steers only a PHC
    return std::nullopt;
}

std::string_view action_name(ServoAction::Kind kind) {
    switch (kind) {
    case ServoAction::Kind::none:
        return "none";
    case ServoAction::Kind::step:
        return "step";
    case ServoAction::Kind::frequency:
        return "frequency";
    case ServoAction::Kind::step_and_frequency:
        return "step+frequency";
    }
    return "none";
}

// The path to follow: the one given, or the best paravirtual PHC present now.
Result<std::string> find_device(const SyncOptions& options) {
    if (!options.device.empty()) return options.device;
    UdevDeviceFinder finder;
    auto candidates = list_phcs(finder);
    if (!candidates) return std::unexpected(candidates.error());
    auto chosen = select_phc(*candidates, false);
    if (!chosen) return fail(ENODEV, "no paravirtual PHC");
    return preferred_path(*chosen);
}

// The daemon's state between timer ticks: the open device, the servo, the failure count.
class SyncService {
  public:
    SyncService(const SyncOptions& options, ClockAdjuster& adjuster, Daemon& daemon)
        : options_(options), daemon_(daemon),
          follower_(adjuster, ServoConfig{.step_threshold_ns = static_cast<Nanoseconds>(
                                              options.step_threshold_s * 1e9)}),
          adjuster_(adjuster) {}

    Status start() { return follower_.start(); }

    void tick() {
        if (!phc_ && !open_device()) {
            count_failure();
            return;
        }
        check_vmclock();
        const Nanoseconds now = now_ns(CLOCK_MONOTONIC);
        auto update = follower_.update(*phc_, now);
        if (!update) return on_failure(update.error());
        if (failures_ > 0)
            spdlog::info("{} answers again after {} updates without a reading", phc_->path(),
                         failures_);
        failures_ = 0;
        report(*update, now);
    }

    // A udev event for ptp devices: forget a device that went away; look again on an arrival.
    void on_device_event(const DeviceEvent& event) {
        if (event.action == "remove" && phc_ && event.devnode == devnode_) {
            spdlog::warn("{} was removed; holding the frequency until a PHC returns", phc_->path());
            close_device();
        }
        if (event.action == "add" && !phc_) fire_soon_();
    }

    void set_fire_soon(std::function<void()> fire) { fire_soon_ = std::move(fire); }
    // Our own steps echo as clock-set events; only others' sets need a fresh measurement.
    bool own_step_recently(Nanoseconds now) const {
        return last_step_ns_ != 0 && now - last_step_ns_ < kNsPerSec / 2;
    }

  private:
    bool open_device() {
        auto opened = open_phc();
        if (!opened) {
            if (!waiting_logged_) {
                spdlog::warn("{}; waiting for a PHC", opened.error().message());
                daemon_.notify_status("waiting for a PHC");
                waiting_logged_ = true;
            }
            return false;
        }
        phc_ = std::move(*opened);
        std::error_code ec; // no exceptions inside the event loop's callbacks
        devnode_ = std::filesystem::canonical(phc_->path(), ec).string();
        follower_.reset_device();
        watch_vmclock();
        spdlog::info("following {} ({})", phc_->path(), devnode_);
        daemon_.notify_status("following " + phc_->path());
        return true;
    }

    Result<std::unique_ptr<DevicePhc>> open_phc() const {
        auto path = find_device(options_);
        if (!path) return std::unexpected(path.error());
        return DevicePhc::open(*path);
    }

    void close_device() {
        phc_.reset();
        devnode_.clear();
        vmclock_path_.reset();
        vmclock_.reset();
        waiting_logged_ = false;
    }

    // A vmclock PHC comes with /dev/vmclockN, whose markers tell of migrations and restores.
    void watch_vmclock() {
        const std::string sysname = std::filesystem::path(devnode_).filename().string();
        auto name = SystemFiles("/").read_line("/sys/class/ptp/" + sysname + "/clock_name");
        if (!name) return;
        vmclock_path_ = vmclock_device_for(*name);
        if (vmclock_path_) spdlog::info("watching {} for migrations and restores", *vmclock_path_);
    }

    // After a migration the counter's rate is new and after a restore the time jumped: what
    // the servo learnt is void, so it starts over (and steps) at this very update.
    void check_vmclock() {
        if (!vmclock_path_) return;
        auto state = read_vmclock(*vmclock_path_);
        if (!state) {
            spdlog::debug("{}", state.error().message());
            return;
        }
        if (vmclock_ && vmclock_disrupted(*vmclock_, *state)) {
            log_with_fields(spdlog::level::warn,
                            "vmclock reports a migration or snapshot restore; re-synchronising",
                            {{"DISRUPTION_MARKER", std::to_string(state->disruption_marker)}});
            follower_.reset_device();
        }
        vmclock_ = *state;
    }

    // Every update without a reading, whether the device fails or is missing, counts; after
    // a while the kernel must stop telling others the clock is synchronised.
    void count_failure() {
        if (++failures_ != kFailuresBeforeUnsync) return;
        // systemd waits for READY before time-sync.target; without a clock it must not wait
        // for ever, and the unit is running, only not synchronised.
        if (!ready_) {
            daemon_.notify_ready("no PHC reading yet");
            ready_ = true;
        }
        if (auto s = adjuster_.set_sync_status(false, 16 * kNsPerSec, 16 * kNsPerSec); !s)
            spdlog::error("{}", s.error().message());
        spdlog::warn("no PHC reading for {} updates; clock marked unsynchronised", failures_);
    }

    void on_failure(const Error& error) {
        if (failures_ == 0)
            log_with_fields(spdlog::level::err, "PHC read failed; holding the frequency",
                            {{"ERROR", error.message()}, {"DEVICE", phc_->path()}});
        count_failure();
        daemon_.notify_status(fmt::format("holding: {}", error.message()));
        if (device_gone(error)) {
            spdlog::warn("{} was removed; holding the frequency until a PHC returns", phc_->path());
            close_device();
        }
    }

    void report(const FollowerUpdate& update, Nanoseconds now) {
        const ServoAction& action = update.action;
        const bool stepped = action.kind == ServoAction::Kind::step ||
                             action.kind == ServoAction::Kind::step_and_frequency;
        if (stepped) last_step_ns_ = now;
        log_with_fields(stepped ? spdlog::level::info : spdlog::level::debug,
                        stepped ? "stepped the clock to the PHC" : "PHC offset",
                        {{"OFFSET_NS", std::to_string(update.offset_ns)},
                         {"DELAY_NS", std::to_string(update.delay_ns)},
                         {"FREQUENCY_PPB", fmt::format("{:.1f}", action.frequency_ppb)},
                         {"ACTION", std::string(action_name(action.kind))},
                         {"METHOD", std::string(phc_method_name(update.method))}});
        const std::string status =
            fmt::format("offset {} ns, frequency {:.1f} ppb via {}", update.offset_ns,
                        action.frequency_ppb, phc_method_name(update.method));
        if (!ready_) {
            daemon_.notify_ready(status);
            ready_ = true;
        } else {
            daemon_.notify_status(status);
        }
    }

    const SyncOptions& options_;
    Daemon& daemon_;
    ClockFollower follower_;
    ClockAdjuster& adjuster_;
    std::unique_ptr<DevicePhc> phc_;
    std::string devnode_;
    std::optional<std::string> vmclock_path_;
    std::optional<VmclockState> vmclock_;
    std::function<void()> fire_soon_ = [] {};
    int failures_ = 0;
    bool ready_ = false;
    bool waiting_logged_ = false;
    Nanoseconds last_step_ns_ = 0;
};

// --once: one reading, then a step beyond the threshold or a kernel slew below it.
int sync_once(const SyncOptions& options, ClockAdjuster& adjuster) {
    auto path = find_device(options);
    if (!path) {
        spdlog::error("{}", path.error().message());
        return kExitFindings;
    }
    auto phc = DevicePhc::open(*path);
    if (!phc) {
        spdlog::error("{}", phc.error().message());
        return kExitRuntime;
    }
    auto reading = read_phc_offset(**phc, 5);
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
    auto timer = (*daemon)->add_periodic(static_cast<Nanoseconds>(options.interval_s * 1e9),
                                         [&] { service.tick(); });
    if (!timer) {
        spdlog::error("{}", timer.error().message());
        return kExitRuntime;
    }
    PeriodicTimer* tick_timer = *timer;
    service.set_fire_soon([tick_timer] { tick_timer->fire_soon(); });
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
