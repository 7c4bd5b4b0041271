#include "common/vmclock_watch.h"

#include "common/logging.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

bool device_gone(int errno_value) {
    return errno_value == ENODEV || errno_value == ENOENT || errno_value == ENXIO;
}

} // namespace

std::string VmclockDisruption::describe() const {
    std::string text =
        fmt::format("{}: disruption_marker {} -> {}", path, marker_before, marker_now);
    if (generation_now && generation_before != generation_now)
        text += fmt::format(", vm_generation_counter {} -> {}",
                            generation_before ? std::to_string(*generation_before) : "none",
                            *generation_now);
    text += restored() ? " (snapshot restore)" : " (snapshot restore or migration)";
    if (marker_went_back())
        text += "; the marker went back, which a counting host never does: measuring anyway, "
                "the page itself is trusted for nothing";
    return text;
}

VmclockWatch::VmclockWatch(DeviceFinder& finder, VmclockOpener open, OnDisruption on_disruption,
                           DeviceMonitor* misc_events)
    : finder_(finder), open_(std::move(open)), on_disruption_(std::move(on_disruption)),
      misc_events_(misc_events) {}

Status VmclockWatch::attach(Daemon& loop) {
    loop_ = &loop;
    if (misc_events_) {
        auto watched = loop.watch_readable(misc_events_->fd(), [this] { drain_events(); });
        if (!watched) return watched;
    }
    auto timer = loop.add_periodic(kPollInterval, [this] { check(); });
    if (!timer) return std::unexpected(timer.error());
    poll_timer_ = *timer;
    check();
    return {};
}

void VmclockWatch::drain_events() {
    while (true) {
        auto waited = misc_events_->wait(0);
        if (!waited) break;
        const std::optional<DeviceEvent>& event = *waited;
        if (!event) break;
        device_event(*event);
    }
    check();
}

void VmclockWatch::device_event(const DeviceEvent& event) {
    if (!is_vmclock_sysname(event.sysname)) return;
    if (event.action == "remove" && device_ && device_->path() == event.devnode)
        close(event.devnode + " was removed");
    if (event.action == "add") look_for_device_ = true;
}

void VmclockWatch::open_first() {
    look_for_device_ = false;
    auto found = find_vmclock_devices(finder_);
    if (!found) return say_once(found.error().message());
    if (found->empty()) return; // no vmclock here: the normal case on most hosts
    auto opened = open_(found->front());
    if (!opened) {
        // A page caught mid-update is tried again at the next wake-up; any other failure
        // (permissions, a wrong page) waits for udev to announce a device again.
        retry_open_ = opened.error().errno_value == EAGAIN;
        look_for_device_ = retry_open_;
        return say_once(opened.error().message());
    }
    retry_open_ = false;
    device_ = std::move(*opened);
    last_problem_.clear();
    spdlog::info("watching {} for snapshot restores and migrations", device_->path());
}

void VmclockWatch::arrange_wakeups() {
    if (!loop_) return;
    notification_watch_.reset();
    if (device_ && device_->notify_fd() >= 0) {
        auto watch = loop_->watch_readable_while(device_->notify_fd(), [this] { check(); });
        if (watch) {
            notification_watch_ = std::move(*watch);
            poll_timer_->stop();
            return;
        }
        say_once(watch.error().message() + "; reading the page on a timer instead");
    }
    if (!device_ && !retry_open_) {
        poll_timer_->stop();
        return;
    }
    if (auto armed = poll_timer_->set_interval(kPollInterval); !armed)
        say_once(armed.error().message());
}

void VmclockWatch::close(const std::string& why) {
    device_.reset();
    arrange_wakeups();
    // The baseline stays: a page that returns with other markers was disrupted meanwhile.
    say_once(why + "; watching for a vmclock device to return");
}

void VmclockWatch::say_once(const std::string& message) {
    if (message != last_problem_) spdlog::warn("{}", message);
    last_problem_ = message;
}

void VmclockWatch::check() {
    if (!device_ && look_for_device_) {
        open_first();
        arrange_wakeups();
    }
    if (!device_) return;
    auto page = device_->read();
    if (!page) {
        if (device_gone(page.error().errno_value)) return close(page.error().message());
        return say_once(page.error().message() + "; not trusted until it reads right again");
    }
    if (!last_problem_.empty()) spdlog::info("{} is readable again", device_->path());
    last_problem_.clear();
    std::optional<VmclockPage> before = std::exchange(last_, *page);
    if (!before) return;
    if (before->disruption_marker == page->disruption_marker &&
        before->vm_generation_counter == page->vm_generation_counter)
        return;
    const VmclockDisruption disruption{device_->path(), before->disruption_marker,
                                       page->disruption_marker, before->vm_generation_counter,
                                       page->vm_generation_counter};
    ++disruptions_;
    log_with_fields(spdlog::level::warn, disruption.describe(),
                    {{"DISRUPTION_MARKER", std::to_string(disruption.marker_now)},
                     {"VMCLOCK_DEVICE", disruption.path}});
    on_disruption_(disruption);
}

} // namespace guestclock
