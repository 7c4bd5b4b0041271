// Finds clock devices (subsystems "rtc" and "ptp") through libudev, so that tools select by
// what a device is (its name attributes, its driver) rather than by a guessed /dev/ptp0.
#pragma once

#include "common/result.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct DeviceInfo {
    std::string subsystem;             // "rtc", "ptp"
    std::string sysname;               // "rtc0", "ptp1"
    std::string syspath;               // "/sys/devices/.../ptp/ptp1"
    std::string devnode;               // "/dev/ptp1"; empty while udev has not created it
    std::string driver;                // of the parent device, e.g. "rtc_cmos", "e1000e"
    std::vector<std::string> symlinks; // "/dev/ptp_kvm", ...
    std::map<std::string, std::string> attributes; // the ones asked for, e.g. clock_name
    std::vector<std::string> network_interfaces;   // a NIC's PHC: its interfaces ("eth0")
};

class DeviceFinder {
  public:
    virtual ~DeviceFinder() = default;
    // Every device of the subsystem, sorted by sysname, with the named sysfs attributes read
    // (an attribute the device lacks is simply absent from the map).
    virtual Result<std::vector<DeviceInfo>>
    enumerate(std::string_view subsystem, const std::vector<std::string>& attributes) = 0;
};

class UdevDeviceFinder final : public DeviceFinder {
  public:
    Result<std::vector<DeviceInfo>> enumerate(std::string_view subsystem,
                                              const std::vector<std::string>& attributes) override;
};

} // namespace guestclock
