// Returns a fixed device list (changeable between calls), or fails, for selection logic tests.
#pragma once

#include "common/device_finder.h"

#include <optional>

namespace guestclock {

class FakeDeviceFinder final : public DeviceFinder {
  public:
    std::vector<DeviceInfo> devices;
    std::optional<int> fail_with_errno;
    int calls = 0;

    Result<std::vector<DeviceInfo>> enumerate(std::string_view,
                                              const std::vector<std::string>&) override {
        ++calls;
        if (fail_with_errno) return fail(*fail_with_errno, "fake enumerate");
        return devices;
    }
};

} // namespace guestclock
