// Waits for devices to come and go through a libudev monitor, so that tools react to a PHC or
// RTC appearing (after a module load) or vanishing (module removed) instead of polling /dev.
#pragma once

#include "common/result.h"
#include "common/time_ns.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

struct DeviceEvent {
    std::string action;  // "add", "remove", "change", ...
    std::string sysname; // "ptp1"
    std::string devnode; // "/dev/ptp1"
};

class DeviceMonitor {
  public:
    virtual ~DeviceMonitor() = default;
    // The next event of the watched subsystem, or nullopt when timeout passes first.
    virtual Result<std::optional<DeviceEvent>> wait(Nanoseconds timeout) = 0;
    // A descriptor that turns readable when an event is pending (for an sd-event loop).
    virtual int fd() const = 0;
};

// Listens to udev's events (sent after its rules ran, so symlinks exist) for one subsystem.
// Open it before enumerating, so a device that appears in between is not missed.
class UdevDeviceMonitor final : public DeviceMonitor {
  public:
    static Result<std::unique_ptr<UdevDeviceMonitor>> open(std::string_view subsystem);
    ~UdevDeviceMonitor() override;

    Result<std::optional<DeviceEvent>> wait(Nanoseconds timeout) override;
    int fd() const override;

  private:
    struct Handles;
    explicit UdevDeviceMonitor(std::unique_ptr<Handles> handles);
    std::unique_ptr<Handles> handles_;
};

} // namespace guestclock
