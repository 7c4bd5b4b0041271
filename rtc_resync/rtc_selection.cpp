#include "rtc_resync/rtc_selection.h"

#include <algorithm>

namespace guestclock {

namespace {

std::string_view sysname_of(std::string_view requested) {
    const auto slash = requested.rfind('/');
    return slash == std::string_view::npos ? requested : requested.substr(slash + 1);
}

SelectedRtc selected(const DeviceInfo& device) {
    const auto name = device.attributes.find("name");
    return {device.devnode.empty() ? "/dev/" + device.sysname : device.devnode,
            {device.sysname, name == device.attributes.end() ? "" : name->second}};
}

} // namespace

Result<SelectedRtc> select_rtc(DeviceFinder& finder, std::string_view requested) {
    auto devices = finder.enumerate("rtc", {"name", "hctosys"});
    if (!devices) {
        // Without udev's view (an early boot, a container) a named device can still be read.
        if (!requested.empty())
            return SelectedRtc{requested.starts_with('/') ? std::string(requested)
                                                          : "/dev/" + std::string(requested),
                               {std::string(sysname_of(requested)), ""}};
        return std::unexpected(devices.error());
    }
    if (!requested.empty()) {
        const auto wanted = sysname_of(requested);
        auto match = std::ranges::find_if(*devices, [&](const DeviceInfo& d) {
            return d.sysname == wanted || d.devnode == requested;
        });
        if (match == devices->end()) return fail(ENODEV, "no RTC device " + std::string(requested));
        return selected(*match);
    }
    if (devices->empty())
        return fail(ENODEV,
                    "no RTC device on this machine (no rtc_cmos or other RTC driver bound)");
    auto hctosys = std::ranges::find_if(*devices, [](const DeviceInfo& d) {
        const auto flag = d.attributes.find("hctosys");
        return flag != d.attributes.end() && flag->second == "1";
    });
    if (hctosys != devices->end()) return selected(*hctosys);
    auto rtc0 =
        std::ranges::find_if(*devices, [](const DeviceInfo& d) { return d.sysname == "rtc0"; });
    return selected(rtc0 != devices->end() ? *rtc0 : devices->front());
}

} // namespace guestclock
