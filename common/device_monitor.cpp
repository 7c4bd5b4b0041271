#include "common/device_monitor.h"

#include "common/udev_handles.h"

#include <algorithm>
#include <poll.h>

namespace guestclock {

struct UdevDeviceMonitor::Handles {
    UdevPtr context;
    UdevMonitorPtr monitor;
};

UdevDeviceMonitor::UdevDeviceMonitor(std::unique_ptr<Handles> handles)
    : handles_(std::move(handles)) {}
UdevDeviceMonitor::~UdevDeviceMonitor() = default;

Result<std::unique_ptr<UdevDeviceMonitor>> UdevDeviceMonitor::open(std::string_view subsystem) {
    auto handles = std::make_unique<Handles>();
    handles->context.reset(udev_new());
    if (!handles->context) return fail_errno("udev_new");
    handles->monitor.reset(udev_monitor_new_from_netlink(handles->context.get(), "udev"));
    if (!handles->monitor) return fail_errno("udev_monitor_new_from_netlink");
    const std::string subsystem_name(subsystem);
    int r = udev_monitor_filter_add_match_subsystem_devtype(handles->monitor.get(),
                                                            subsystem_name.c_str(), nullptr);
    if (r >= 0) r = udev_monitor_enable_receiving(handles->monitor.get());
    if (r < 0) return fail(-r, "monitor " + subsystem_name + " devices");
    return std::unique_ptr<UdevDeviceMonitor>(new UdevDeviceMonitor(std::move(handles)));
}

int UdevDeviceMonitor::fd() const {
    return udev_monitor_get_fd(handles_->monitor.get());
}

Result<std::optional<DeviceEvent>> UdevDeviceMonitor::wait(Nanoseconds timeout) {
    const Nanoseconds deadline = now_ns(CLOCK_MONOTONIC) + std::max<Nanoseconds>(timeout, 0);
    for (;;) {
        const Nanoseconds left = deadline - now_ns(CLOCK_MONOTONIC);
        if (left < 0) return std::nullopt;
        pollfd p{.fd = fd(), .events = POLLIN, .revents = 0};
        // Round up, so a sub-millisecond remainder still waits rather than spinning.
        const int r = ::poll(&p, 1, static_cast<int>((left + kNsPerMs - 1) / kNsPerMs));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail_errno("poll udev monitor");
        if (r == 0) return std::nullopt;
        UdevDevicePtr device(udev_monitor_receive_device(handles_->monitor.get()));
        if (!device) continue; // a message that was not for us, or already gone
        auto text = [](const char* s) { return std::string(s != nullptr ? s : ""); };
        return DeviceEvent{text(udev_device_get_action(device.get())),
                           text(udev_device_get_sysname(device.get())),
                           text(udev_device_get_devnode(device.get()))};
    }
}

} // namespace guestclock
