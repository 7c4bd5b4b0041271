#include "common/daemon.h"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <fmt/format.h>
#include <limits>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <unistd.h>

namespace guestclock {

namespace {

std::uint64_t to_usec(Nanoseconds ns) {
    return static_cast<std::uint64_t>(ns / kNsPerUs);
}

Status check(int r, const char* what) {
    if (r < 0) return fail(-r, what);
    return {};
}

int on_terminate(sd_event_source* source, const signalfd_siginfo* info, void* /*userdata*/) {
    spdlog::info("received {}, exiting", strsignal(static_cast<int>(info->ssi_signo)));
    sd_event_exit(sd_event_source_get_event(source), 0);
    return 0;
}

int on_hangup(sd_event_source* /*source*/, const signalfd_siginfo* /*info*/, void* userdata) {
    const auto& reload = *static_cast<std::function<void()>*>(userdata);
    if (!reload) return 0;
    // systemd shows the unit reloading until READY=1 comes back, so `systemctl reload` returns
    // once the new settings are in force; MONOTONIC_USEC tells this reload from an earlier one.
    sd_notify(
        0, fmt::format("RELOADING=1\nMONOTONIC_USEC={}", to_usec(now_ns(CLOCK_MONOTONIC))).c_str());
    reload();
    sd_notify(0, "READY=1");
    return 0;
}

int on_readable(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/,
                void* userdata) {
    (*static_cast<std::function<void()>*>(userdata))();
    return 0;
}

// Far in the future, so the timer never expires: it exists only to be cancelled by a clock set.
Status arm_cancel_on_set(int fd) {
    itimerspec spec{};
    spec.it_value.tv_sec = std::numeric_limits<time_t>::max();
    if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) < 0)
        return fail_errno("timerfd_settime TFD_TIMER_CANCEL_ON_SET");
    return {};
}

} // namespace

int PeriodicTimer::dispatch(sd_event_source* /*source*/, std::uint64_t /*usec*/, void* userdata) {
    auto* timer = static_cast<PeriodicTimer*>(userdata);
    // Rearm before the callback, so that a callback which changes the period has the last word.
    if (auto rearmed = timer->set_interval(timer->interval_); !rearmed)
        spdlog::error("{}", rearmed.error().message());
    timer->callback_();
    return 0;
}

Status PeriodicTimer::set_interval(Nanoseconds interval) {
    interval_ = interval;
    if (auto r = check(sd_event_source_set_time_relative(source_, to_usec(interval)),
                       "sd_event_source_set_time_relative");
        !r)
        return r;
    return check(sd_event_source_set_enabled(source_, SD_EVENT_ON), "sd_event_source_set_enabled");
}

void PeriodicTimer::fire_soon() {
    Status armed =
        check(sd_event_source_set_time_relative(source_, 0), "sd_event_source_set_time_relative");
    if (armed)
        armed =
            check(sd_event_source_set_enabled(source_, SD_EVENT_ON), "sd_event_source_set_enabled");
    if (!armed) spdlog::error("{}", armed.error().message());
}

void PeriodicTimer::stop() {
    if (auto stopped = check(sd_event_source_set_enabled(source_, SD_EVENT_OFF),
                             "sd_event_source_set_enabled");
        !stopped)
        spdlog::error("{}", stopped.error().message());
}

Result<std::unique_ptr<Daemon>> Daemon::create() {
    std::unique_ptr<Daemon> daemon(new Daemon());
    if (auto r = check(sd_event_new(&daemon->event_), "sd_event_new"); !r)
        return std::unexpected(r.error());
    for (int signal : {SIGTERM, SIGINT}) {
        if (auto r =
                check(sd_event_add_signal(daemon->event_, nullptr,
                                          signal | SD_EVENT_SIGNAL_PROCMASK, on_terminate, nullptr),
                      "sd_event_add_signal");
            !r)
            return std::unexpected(r.error());
    }
    if (auto r =
            check(sd_event_add_signal(daemon->event_, nullptr, SIGHUP | SD_EVENT_SIGNAL_PROCMASK,
                                      on_hangup, &daemon->reload_),
                  "sd_event_add_signal SIGHUP");
        !r)
        return std::unexpected(r.error());

    std::uint64_t watchdog_usec = 0;
    if (sd_watchdog_enabled(0, &watchdog_usec) > 0) {
        // Half the period, as sd_watchdog_enabled(3) advises, so one late iteration is no restart.
        auto timer = daemon->add_periodic(static_cast<Nanoseconds>(watchdog_usec) * kNsPerUs / 2,
                                          [] { sd_notify(0, "WATCHDOG=1"); });
        if (!timer) return std::unexpected(timer.error());
    }
    return daemon;
}

Daemon::~Daemon() {
    for (auto& timer : timers_)
        sd_event_source_unref(timer->source_);
    sd_event_unref(event_);
}

Result<PeriodicTimer*> Daemon::add_periodic(Nanoseconds interval, std::function<void()> callback,
                                            Nanoseconds accuracy) {
    auto timer = std::make_unique<PeriodicTimer>();
    timer->interval_ = interval;
    timer->callback_ = std::move(callback);
    if (auto r = check(sd_event_add_time_relative(event_, &timer->source_, CLOCK_MONOTONIC,
                                                  to_usec(interval), to_usec(accuracy),
                                                  PeriodicTimer::dispatch, timer.get()),
                       "sd_event_add_time_relative");
        !r)
        return std::unexpected(r.error());
    timers_.push_back(std::move(timer));
    return timers_.back().get();
}

Status Daemon::on_clock_set(std::function<void()> callback) {
    clock_set_ = std::move(callback);
    clock_set_fd_.reset(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!clock_set_fd_.valid()) return fail_errno("timerfd_create CLOCK_REALTIME");
    if (auto armed = arm_cancel_on_set(clock_set_fd_.get()); !armed) return armed;
    return watch_readable(clock_set_fd_.get(), [this] {
        std::uint64_t expirations = 0;
        // The read fails with ECANCELED exactly when the clock was set; then rearm and report.
        if (::read(clock_set_fd_.get(), &expirations, sizeof expirations) < 0 &&
            errno == ECANCELED) {
            if (auto armed = arm_cancel_on_set(clock_set_fd_.get()); !armed)
                spdlog::error("{}", armed.error().message());
            clock_set_();
        }
    });
}

Status Daemon::watch_readable(int fd, std::function<void()> callback) {
    readable_callbacks_.push_back(std::make_unique<std::function<void()>>(std::move(callback)));
    return check(sd_event_add_io(event_, nullptr, fd, EPOLLIN, on_readable,
                                 readable_callbacks_.back().get()),
                 "sd_event_add_io");
}

IoWatch::~IoWatch() {
    sd_event_source_disable_unref(source_);
}

int IoWatch::dispatch(sd_event_source* /*source*/, int /*fd*/, std::uint32_t /*revents*/,
                      void* userdata) {
    static_cast<IoWatch*>(userdata)->callback_();
    return 0;
}

Result<std::unique_ptr<IoWatch>> Daemon::watch_readable_while(int fd,
                                                              std::function<void()> callback) {
    std::unique_ptr<IoWatch> watch(new IoWatch());
    watch->callback_ = std::move(callback);
    if (auto added = check(
            sd_event_add_io(event_, &watch->source_, fd, EPOLLIN, IoWatch::dispatch, watch.get()),
            "sd_event_add_io");
        !added)
        return std::unexpected(added.error());
    return watch;
}

void Daemon::notify_ready(std::string_view status) {
    sd_notify(0, fmt::format("READY=1\nSTATUS={}", status).c_str());
}

void Daemon::notify_status(std::string_view status) {
    sd_notify(0, fmt::format("STATUS={}", status).c_str());
}

Result<int> Daemon::run() {
    const int r = sd_event_loop(event_);
    sd_notify(0, "STOPPING=1");
    if (r < 0) return fail(-r, "sd_event_loop");
    return r;
}

void Daemon::exit(int code) {
    sd_event_exit(event_, code);
}

} // namespace guestclock
