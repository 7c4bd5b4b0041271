#include "ptp_kvm_helper/sync_service.h"

#include "common/logging.h"
#include "common/time_daemons.h"
#include "ptp_kvm_helper/phc_discovery.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace guestclock {

std::optional<std::string> disciplining_daemon(const SystemFiles& files) {
    for (const auto& daemon : find_time_daemons(files))
        if (daemon.name != "ptp4l") return daemon.name;
    return std::nullopt;
}

namespace {

// After this many failed updates in a row we no longer claim the clock is synchronised.
constexpr int kFailuresBeforeUnsync = 10;

// How often a running sync looks for a time daemon that started beside it: /proc is read in
// full, so at every tick only at intervals this long, else every this many seconds' ticks.
constexpr double kDaemonCheckSeconds = 10;

// Errnos by which a PHC says it is gone (module removed): reopen once udev brings it back.
bool device_gone(const Error& error) {
    return error.errno_value == ENODEV || error.errno_value == ENXIO || error.errno_value == ENOENT;
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

} // namespace

Status SyncService::start() {
    auto started = follower_.start();
    if (started) metrics_.frequency_ppb = follower_.servo().frequency_ppb; // the kernel's
    return started;
}

Status SyncService::attach(DeviceMonitor& ptp_events) {
    // Sampled on time to the microsecond: sd-event's default slack (250 ms) would stretch some
    // intervals by a quarter, and the offset drifts on through every one of them.
    auto timer = daemon_.add_periodic(
        static_cast<Nanoseconds>(options_.interval_s * 1e9), [this] { tick(); }, kNsPerUs);
    if (!timer) return std::unexpected(timer.error());
    tick_timer_ = *timer;
    // Without udev's misc events a vmclock device that appears later is not seen: said, no more.
    if (auto misc = devices_.open_monitor("misc"))
        misc_events_ = std::move(*misc);
    else
        spdlog::warn("{}", misc.error().message());
    vmclock_.emplace(
        devices_.finder, devices_.open_vmclock, [this](const VmclockDisruption&) { disrupted(); },
        misc_events_.get());
    Status attached = vmclock_->attach(daemon_);
    if (attached)
        attached = daemon_.watch_readable(ptp_events.fd(), [this, &ptp_events] {
            if (auto event = ptp_events.wait(0); event && *event) on_device_event(**event);
        });
    if (attached) attached = daemon_.on_clock_set([this] { clock_was_set(); });
    return attached;
}

void SyncService::tick() {
    if (daemon_took_over()) return;
    follow();
    export_metrics();
}

bool SyncService::daemon_took_over() {
    if (options_.force) return false;
    if (ticks_to_daemon_check_-- > 0) return false;
    ticks_to_daemon_check_ =
        std::max(1, static_cast<int>(kDaemonCheckSeconds / options_.interval_s)) - 1;
    const auto other = disciplining_daemon(devices_.files);
    if (!other) return false;
    // Left as on SIGTERM (the kernel keeps the frequency in force); the other daemon takes it
    // from there. Exit 0: Restart=on-failure must not start us again beside it.
    spdlog::warn("{} started and disciplines the clock now: leaving it the clock", *other);
    daemon_.exit(0);
    return true;
}

void SyncService::follow() {
    if (!phc_ && !open_device()) {
        record_no_reading(metrics_, false);
        count_failure();
        return;
    }
    const Nanoseconds now = now_ns(CLOCK_MONOTONIC);
    auto update = follower_.update(*phc_, now);
    if (!update) return on_failure(update.error());
    if (failures_ > 0)
        spdlog::info("{} answers again after {} updates without a reading", phc_->path(),
                     failures_);
    failures_ = 0;
    report(*update, now);
}

void SyncService::on_device_event(const DeviceEvent& event) {
    if (event.action == "remove" && phc_ && event.devnode == devnode_) {
        spdlog::warn("{} was removed; holding the frequency until a PHC returns", phc_->path());
        close_device();
    }
    if (event.action == "add" && !phc_) fire_soon();
}

void SyncService::clock_was_set() {
    // Our own steps echo as clock-set events; only others' sets need a fresh measurement.
    const Nanoseconds since_step = now_ns(CLOCK_MONOTONIC) - last_step_ns_;
    if (last_step_ns_ == 0 || since_step >= kNsPerSec / 2) fire_soon();
}

bool SyncService::open_device() {
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
    spdlog::info("following {} ({})", phc_->path(), devnode_);
    daemon_.notify_status("following " + phc_->path());
    return true;
}

Result<std::unique_ptr<Phc>> SyncService::open_phc() const {
    auto path = phc_path(devices_.finder, options_.device, false);
    if (!path) return std::unexpected(path.error());
    return devices_.open_phc(*path);
}

void SyncService::fire_soon() {
    if (tick_timer_ != nullptr) tick_timer_->fire_soon();
}

void SyncService::close_device() {
    phc_.reset();
    devnode_.clear();
    waiting_logged_ = false;
}

void SyncService::disrupted() {
    metrics_.disruptions.record(now_ns(CLOCK_REALTIME));
    follower_.reset_device();
    fire_soon();
}

void SyncService::count_failure() {
    if (++failures_ != kFailuresBeforeUnsync) return;
    // systemd waits for READY before time-sync.target; without a clock it must not wait
    // for ever, and the unit is running, only not synchronised.
    if (!ready_) {
        daemon_.notify_ready("no PHC reading yet");
        ready_ = true;
    }
    if (auto s = devices_.adjuster.set_sync_status(false, 16 * kNsPerSec, 16 * kNsPerSec); !s)
        spdlog::error("{}", s.error().message());
    spdlog::warn("no PHC reading for {} updates; clock marked unsynchronised", failures_);
}

void SyncService::on_failure(const Error& error) {
    record_no_reading(metrics_, true);
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

void SyncService::report(const FollowerUpdate& update, Nanoseconds now) {
    const ServoAction& action = update.action;
    const bool stepped = action.kind == ServoAction::Kind::step ||
                         action.kind == ServoAction::Kind::step_and_frequency;
    if (stepped) last_step_ns_ = now;
    record_update(metrics_, update, follower_.servo().locked, now_ns(CLOCK_REALTIME));
    log_with_fields(stepped ? spdlog::level::info : spdlog::level::debug,
                    stepped ? "stepped the clock to the PHC" : "PHC offset",
                    {{"SYSTEM_MINUS_PHC_NS", std::to_string(update.system_minus_phc_ns)},
                     // Deprecated, kept for journal readers: the opposite sign.
                     {"OFFSET_NS", std::to_string(-update.system_minus_phc_ns)},
                     {"DELAY_NS", std::to_string(update.delay_ns)},
                     {"FREQUENCY_PPB", fmt::format("{:.1f}", action.frequency_ppb)},
                     {"ACTION", std::string(action_name(action.kind))},
                     {"METHOD", std::string(phc_method_name(update.method))}});
    const std::string status = fmt::format("system minus PHC {} ns, frequency {:.1f} ppb via {}",
                                           update.system_minus_phc_ns, action.frequency_ppb,
                                           phc_method_name(update.method));
    if (!ready_) {
        daemon_.notify_ready(status);
        ready_ = true;
    } else {
        daemon_.notify_status(status);
    }
}

void SyncService::export_metrics() {
    if (!metrics_file_ || !metrics_pacer_.due(metrics_, now_ns(CLOCK_MONOTONIC))) return;
    // A failure is logged by the writer, once; following the PHC goes on regardless.
    metrics_file_->write(format_sync_metrics(metrics_));
}

} // namespace guestclock
