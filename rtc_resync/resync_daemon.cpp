#include "rtc_resync/resync_daemon.h"

#include "common/logging.h"
#include "common/time_daemons.h"
#include "rtc_resync/clock_situation.h"
#include "rtc_resync/commands.h"
#include "rtc_resync/update_interrupts.h"

#include <cstdlib>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

// A jump's quick step is refined by the next full measurement down to this.
constexpr Nanoseconds kRefineStepNs = 500 * kNsPerUs;

// How often a request to chronyd looks for chronyd's fresh update: a step within two seconds
// of the disruption needs more than the one-second check.
constexpr Nanoseconds kChronyPollInterval = 200 * kNsPerMs;

// The last-known-good floor need not follow every measurement; hourly keeps writes rare.
constexpr Nanoseconds kLastGoodEvery = 3600 * kNsPerSec;

double initial_frequency_ppb(ClockAdjuster& adjuster) {
    auto state = adjuster.read_state();
    return state ? state->frequency_ppm * 1000.0 : 0.0;
}

} // namespace

ResyncDaemon::ResyncDaemon(ResyncDevices devices, ResyncSettings settings, SettingsLoader reload)
    : devices_(std::move(devices)), settings_(std::move(settings)), reload_(std::move(reload)),
      servo_(initial_frequency_ppb(devices_.adjuster)) {
    if (devices_.open_vmclock)
        vmclock_.emplace(
            devices_.finder, devices_.open_vmclock,
            [this](const VmclockDisruption& disruption) { disrupted(disruption); },
            devices_.misc_events);
}

Status ResyncDaemon::attach(Daemon& loop) {
    loop_ = &loop;
    loop.on_reload([this] { reload(); });
    if (auto set = loop.on_clock_set([this] { clock_was_set(); }); !set) return set;
    auto check_timer = loop.add_periodic(settings_.check_interval, [this] { check(); });
    if (!check_timer) return std::unexpected(check_timer.error());
    check_timer_ = *check_timer;
    auto measure_timer = loop.add_periodic(settings_.interval, [this] { measure_and_correct(); });
    if (!measure_timer) return std::unexpected(measure_timer.error());
    measure_timer_ = *measure_timer;
    if (devices_.rtc_events) {
        auto watched = loop.watch_readable(devices_.rtc_events->fd(), [this] { rtc_event(); });
        if (!watched) return watched;
    }
    if (devices_.chrony) {
        auto chrony_timer =
            loop.add_periodic(kChronyPollInterval, [this] { follow_chrony_request(); });
        if (!chrony_timer) return std::unexpected(chrony_timer.error());
        chrony_timer_ = *chrony_timer;
        chrony_timer_->stop();
    }
    if (vmclock_)
        if (auto watched = vmclock_->attach(loop); !watched) return watched;
    measure_timer_->fire_soon();
    return {};
}

std::unique_ptr<Rtc> ResyncDaemon::open_rtc() {
    if (!selected_) {
        auto scale = resolve_time_scale(settings_, devices_.files);
        if (!scale) {
            lose_rtc(scale.error());
            return nullptr;
        }
        auto selected = select_rtc(devices_.finder, settings_.device);
        if (!selected) {
            lose_rtc(selected.error());
            return nullptr;
        }
        scale_ = *scale;
        selected_ = *selected;
        spdlog::info("reading {} ({}, {})", selected_->path, selected_->identity.name,
                     rtc_time_scale_name(scale_));
        // Back after a loss: measure at once rather than at the end of the interval.
        if (!last_device_error_.empty() && measure_timer_) measure_timer_->fire_soon();
        last_device_error_.clear();
    }
    auto opened = devices_.open_rtc(selected_->path);
    if (!opened) {
        // The kernel lets one process at a time open an RTC (hwclock, chronyd's rtcfile, a
        // test probe): not a loss, just not now.
        if (opened.error().errno_value == EBUSY) {
            spdlog::debug("{}: skipping this round", opened.error().message());
            return nullptr;
        }
        lose_rtc(opened.error());
        return nullptr;
    }
    return std::move(*opened);
}

void ResyncDaemon::lose_rtc(const Error& error) {
    selected_.reset();
    servo_.reset();
    if (metrics_.state != ResyncState::waiting_for_rtc) {
        record_waiting_for_rtc(metrics_);
        metrics_changed_ = true;
    }
    const std::string message = error.message();
    // Said once, not every second while the device stays away.
    if (message != last_device_error_) {
        spdlog::error("{}; waiting for an RTC", message);
        if (loop_) loop_->notify_status("waiting for an RTC: " + message);
    }
    last_device_error_ = message;
}

void ResyncDaemon::rtc_event() {
    bool added = false;
    while (true) {
        auto waited = devices_.rtc_events->wait(0);
        if (!waited) break;
        const std::optional<DeviceEvent>& event = *waited;
        if (!event) break;
        if (event->action == "add") added = true;
        if (event->action == "remove" && selected_ && event->sysname == selected_->identity.sysname)
            lose_rtc(Error{ENODEV, selected_->path + " was removed"});
    }
    if (added && !selected_) {
        spdlog::info("an RTC appeared: measuring now");
        if (measure_timer_) measure_timer_->fire_soon();
    }
    export_state_change();
}

std::optional<Nanoseconds> ResyncDaemon::read_whole_second_system_minus_rtc() {
    auto rtc = open_rtc();
    if (!rtc) return std::nullopt;
    auto time = rtc->read_time();
    const Nanoseconds realtime = devices_.timebase.now().realtime;
    if (!time) {
        lose_rtc(time.error());
        return std::nullopt;
    }
    auto rtc_second = rtc_time_to_epoch_ns(*time, scale_);
    if (!rtc_second) return std::nullopt; // the next full measurement's gate says why
    return whole_second_system_minus_rtc(*rtc_second, realtime);
}

void ResyncDaemon::check_vmclock() {
    if (vmclock_) vmclock_->check();
}

void ResyncDaemon::check() {
    const bool resumed = suspend_.resumed(now_ns(CLOCK_MONOTONIC), now_ns(CLOCK_BOOTTIME));
    auto coarse = read_whole_second_system_minus_rtc();
    if (!coarse) {
        export_state_change(); // the RTC may just have gone: say so before the next measurement
        return;
    }
    if (!resumed && !whole_second_offset_is_jump(*coarse, settings_.jump_threshold)) {
        jump_grace_.clear();
        return;
    }
    if (leave_jump_to_daemon()) return;
    if (resumed) {
        spdlog::info("resumed from suspend: measuring now");
        correct_jump(*coarse);
    } else {
        log_with_fields(spdlog::level::info,
                        "system clock and RTC disagree by seconds: measuring now",
                        {{"COARSE_OFFSET_NS", std::to_string(*coarse)}});
        correct_jump(*coarse);
    }
}

void ResyncDaemon::correct_jump(Nanoseconds coarse_offset) {
    EdgeReadOptions options;
    // Speed matters now: one polled edge comes within a second, where interrupts would first
    // cost a second for the stale one. The whole-second read just taken is the second,
    // independent sample the edge must agree with; a full measurement follows at once.
    options.count = 1;
    options.use_interrupts = false;
    measure_and_correct(options, coarse_offset);
    export_metrics();
    if (measure_timer_) measure_timer_->fire_soon();
}

void ResyncDaemon::clock_was_set() {
    if (own_step_pending_) {
        own_step_pending_ = false;
        return;
    }
    spdlog::info("CLOCK_REALTIME was set by someone else: measuring now");
    servo_.reset();
    auto coarse = read_whole_second_system_minus_rtc();
    if (!coarse) {
        export_state_change();
        return;
    }
    if (whole_second_offset_is_jump(*coarse, settings_.jump_threshold)) {
        if (leave_jump_to_daemon()) return;
    } else {
        jump_grace_.clear();
        // A time daemon's own step: the kernel calls the clock unsynchronised until that
        // daemon's next update, but the step was its correction, not ours to undo.
        if (const auto daemons = find_time_daemons(devices_.files); !daemons.empty()) {
            spdlog::info("{} runs: taking the clock's set for its own correction",
                         daemons.front().name);
            return;
        }
    }
    correct_jump(*coarse);
}

void ResyncDaemon::disrupted(const VmclockDisruption& /*disruption*/) {
    metrics_.disruptions.record(devices_.timebase.now().realtime);
    metrics_changed_ = true;
    servo_.forget();
    auto found = situation_now();
    if (found && found->daemon_synchronised) {
        // Its frequency and its clock: ours is only to make it look now, and to step a jump
        // it leaves after its grace (which starts now).
        jump_grace_.clear();
        jump_grace_.within(devices_.timebase.now().monoraw, settings_.daemon_grace);
        if (found->daemon_name == "chronyd") ask_chrony_to_step();
        export_state_change();
        return;
    }
    if (auto reset = devices_.adjuster.set_frequency_ppb(0); !reset)
        spdlog::error("{}", reset.error().message());
    disruption_pending_ = true;
    auto coarse = read_whole_second_system_minus_rtc();
    if (coarse) correct_jump(*coarse);
    export_state_change();
}

void ResyncDaemon::ask_chrony_to_step() {
    if (!devices_.chrony || settings_.no_step) return;
    if (auto asked = chrony_request_.start(*devices_.chrony, devices_.timebase.now().monoraw);
        !asked) {
        spdlog::error("cannot ask chronyd to step: {}", asked.error().message());
        return;
    }
    spdlog::info("asked chronyd to measure again and step once it has");
    if (chrony_timer_) chrony_timer_->fire_soon();
}

void ResyncDaemon::follow_chrony_request() {
    chrony_request_.poll(*devices_.chrony, devices_.timebase.now().monoraw);
    if (!chrony_request_.active() && chrony_timer_) chrony_timer_->stop();
}

bool ResyncDaemon::chrony_is_correcting() {
    if (!chrony_request_.active()) return false;
    follow_chrony_request();
    return chrony_request_.active();
}

Result<ClockSituation> ResyncDaemon::situation_now() {
    auto kernel = devices_.adjuster.read_state();
    if (!kernel) return std::unexpected(kernel.error());
    const RtcIdentity identity = selected_ ? selected_->identity : RtcIdentity{};
    return assess_situation(*kernel, find_time_daemons(devices_.files), identity);
}

bool ResyncDaemon::leave_jump_to_daemon() {
    // chronyd marks the clock unsynchronised while its sources show the jump (no selectable
    // source for a moment): the jump is still its own to step until it settles or we give up.
    if (chrony_is_correcting()) return true;
    auto found = situation_now();
    if (!found) return false;
    const ClockSituation& situation = *found;
    if (!situation.daemon_synchronised || settings_.no_step) {
        jump_grace_.clear();
        return false;
    }
    const bool starting = !jump_grace_.counting();
    const bool within = jump_grace_.within(devices_.timebase.now().monoraw, settings_.daemon_grace);
    if (starting && within)
        spdlog::info("the clock jumped while {} synchronises it: leaving it {:.1f} s to correct "
                     "the jump before stepping",
                     situation.daemon_name, to_seconds(settings_.daemon_grace));
    return within;
}

void ResyncDaemon::measure_and_correct() {
    EdgeReadOptions options;
    options.count = settings_.samples;
    measure_and_correct(options, std::nullopt);
    export_metrics();
}

void ResyncDaemon::measure_and_correct(EdgeReadOptions options,
                                       std::optional<Nanoseconds> coarse_offset) {
    if (chrony_is_correcting()) return;
    auto rtc = open_rtc();
    if (!rtc) return;
    options.scale = scale_;
    if (selected_ && !update_interrupts_mark_edges(selected_->identity))
        options.use_interrupts = false;
    auto limits = resolve_limits(settings_, devices_.files);
    limits.min_samples = std::min(limits.min_samples, options.count);
    auto measurement = measure_offset(*rtc, devices_.timebase, options, limits);
    rtc.reset(); // closed at once: others (hwclock, a probe) may open the RTC between our reads
    if (!measurement) {
        lose_rtc(measurement.error());
        return;
    }
    if (coarse_offset && measurement->verdict.accepted() &&
        !edge_agrees_with_whole_second(measurement->estimate.system_minus_rtc_ns, *coarse_offset,
                                       limits.max_disagreement_ns))
        measurement->verdict = {Refusal::samples_disagree,
                                fmt::format("the RTC edge ({} ns) disagrees with the whole-second "
                                            "read just before it ({} ns): refusing",
                                            measurement->estimate.system_minus_rtc_ns,
                                            *coarse_offset)};
    auto found = situation_now();
    if (!found) {
        spdlog::error("{}", found.error().message());
        return;
    }
    ClockSituation& situation = *found;
    if (situation.daemon_synchronised && measurement->verdict.accepted()) {
        if (std::abs(measurement->estimate.system_minus_rtc_ns) < settings_.jump_threshold)
            jump_grace_.clear();
        else
            situation.within_daemon_grace =
                jump_grace_.within(devices_.timebase.now().monoraw, settings_.daemon_grace);
    }
    PolicySettings policy{settings_.step_threshold, settings_.jump_threshold, settings_.no_step,
                          settings_.allow_circular_reference};
    // The full measurement right after a jump's quick step also steps the residue of that
    // step's single polled edge (milliseconds under emulation): slewing it would take seconds,
    // and the clock has just jumped anyway.
    const bool refining = (refine_after_jump_ && !coarse_offset) || disruption_pending_;
    if (refining) policy.step_threshold_ns = std::min(policy.step_threshold_ns, kRefineStepNs);
    if (measurement->verdict.accepted()) disruption_pending_ = false;
    const Decision decision = decide(*measurement, situation, policy);
    if (!coarse_offset) refine_after_jump_ = false;

    Status applied;
    std::optional<Nanoseconds> corrected; // what was added to the clock
    switch (decision.action) {
    case Action::step:
        servo_.reset();
        jump_grace_.clear();
        own_step_pending_ = true;
        refine_after_jump_ = coarse_offset.has_value();
        applied = devices_.adjuster.step(decision.correction_ns);
        corrected = decision.correction_ns;
        break;
    case Action::slew: {
        const auto& estimate = measurement->estimate;
        const ServoOutput output = servo_.sample(estimate.system_minus_rtc_ns,
                                                 estimate.uncertainty_ns, estimate.monoraw_ns);
        if (output.frequency_ppb)
            applied = devices_.adjuster.set_frequency_ppb(*output.frequency_ppb);
        if (applied) applied = devices_.adjuster.slew(output.slew_ns);
        corrected = output.slew_ns;
        break;
    }
    default:
        // Standing down or refusing: the chain of drift measurements is broken.
        servo_.reset();
        break;
    }
    if (!applied) {
        own_step_pending_ = false;
        spdlog::error("{}", applied.error().message());
        corrected.reset();
    }
    publish(*measurement, decision, corrected);
}

void ResyncDaemon::publish(const Measurement& measurement, const Decision& decision,
                           std::optional<Nanoseconds> corrected_ns) {
    last_decision_ = decision;
    record_measurement(metrics_, measurement, decision, corrected_ns,
                       devices_.timebase.now().realtime);
    const auto& estimate = measurement.estimate;
    const bool refused = decision.action == Action::refuse;
    // A refusal that repeats every minute is logged once until something changes.
    if (!refused || decision.reason != last_refusal_) {
        log_with_fields(refused ? spdlog::level::err : spdlog::level::info, decision.reason,
                        {{"OFFSET_NS", std::to_string(estimate.system_minus_rtc_ns)},
                         {"UNCERTAINTY_NS", std::to_string(estimate.uncertainty_ns)},
                         {"ACTION", std::string(action_name(decision.action))},
                         {"REFUSAL", std::string(refusal_name(decision.refusal))},
                         {"METHOD", std::string(edge_method_name(estimate.method))},
                         {"FREQUENCY_PPB", fmt::format("{:.1f}", servo_.frequency_ppb())}});
    }
    last_refusal_ = refused ? decision.reason : "";
    if (loop_)
        loop_->notify_status(fmt::format("system minus RTC {:+.3f} ms +- {:.3f} ms, {}",
                                         static_cast<double>(estimate.system_minus_rtc_ns) / 1e6,
                                         static_cast<double>(estimate.uncertainty_ns) / 1e6,
                                         action_name(decision.action)));
    if (measurement.verdict.accepted() &&
        (!last_good_saved_ || estimate.monoraw_ns - last_good_saved_monoraw_ > kLastGoodEvery)) {
        if (auto saved = remember_last_good(settings_, devices_.files, estimate.rtc_time_ns);
            !saved)
            spdlog::warn("cannot remember the last good RTC time: {}", saved.error().message());
        last_good_saved_ = true;
        last_good_saved_monoraw_ = estimate.monoraw_ns;
    }
}

void ResyncDaemon::export_metrics() {
    metrics_changed_ = false;
    if (!devices_.metrics) return;
    metrics_.frequency_ppb = servo_.frequency_ppb();
    // A failure is logged by the writer, once; the daemon's work goes on regardless.
    devices_.metrics->write(format_resync_metrics(metrics_));
}

void ResyncDaemon::export_state_change() {
    if (metrics_changed_) export_metrics();
}

void ResyncDaemon::reload() {
    auto settings = reload_();
    if (!settings) {
        spdlog::error("reload failed, keeping the running configuration: {}",
                      settings.error().message());
        return;
    }
    settings_ = std::move(*settings);
    selected_.reset(); // the device or time scale may have changed
    for (auto [timer, interval] : {std::pair{check_timer_, settings_.check_interval},
                                   std::pair{measure_timer_, settings_.interval}}) {
        if (!timer) continue;
        if (auto set = timer->set_interval(interval); !set)
            spdlog::error("{}", set.error().message());
    }
    spdlog::info("configuration reloaded");
    if (measure_timer_) measure_timer_->fire_soon();
}

} // namespace guestclock
