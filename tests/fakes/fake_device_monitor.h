// Hands out queued events and then timeouts, so waiting logic is tested without udev and
// without waiting.
#pragma once

#include "common/device_monitor.h"

#include <deque>
#include <functional>
#include <vector>

namespace guestclock {

class FakeDeviceMonitor final : public DeviceMonitor {
  public:
    std::deque<DeviceEvent> events;
    std::vector<Nanoseconds> waits; // the timeouts asked for
    // Called before each event is handed out: lets a test change what enumeration sees.
    std::function<void(const DeviceEvent&)> on_event;
    // What fd() answers: an event loop that watches the monitor needs a real descriptor.
    int event_fd = -1;

    Result<std::optional<DeviceEvent>> wait(Nanoseconds timeout) override {
        waits.push_back(timeout);
        if (events.empty()) return std::nullopt;
        DeviceEvent event = events.front();
        events.pop_front();
        if (on_event) on_event(event);
        return event;
    }
    int fd() const override { return event_fd; }
};

} // namespace guestclock
