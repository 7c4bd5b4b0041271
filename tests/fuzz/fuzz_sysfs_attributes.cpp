// libFuzzer target: the sysfs attributes that choose our clocks: a PHC's clock_name and network
// interfaces (its kind and rank), an RTC's name and hctosys (which RTC to read). Drivers, out of
// tree ones among them, write these. The input is a device list, one attribute a line:
//     ptp0:clock_name=KVM virtual PTP
//     ptp2:net=eth0
//     rtc0:hctosys=1
// Lines of a sysname starting "rtc" describe RTCs, all others PHCs.
#include "common/phc_kind.h"
#include "rtc_resync/rtc_selection.h"
#include "tests/fakes/fake_device_finder.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using guestclock::DeviceInfo;

DeviceInfo& device_named(std::vector<DeviceInfo>& devices, std::string_view sysname) {
    auto found = std::ranges::find(devices, sysname, &DeviceInfo::sysname);
    if (found != devices.end()) return *found;
    DeviceInfo& added = devices.emplace_back();
    added.sysname = sysname;
    added.devnode = "/dev/" + added.sysname;
    return added;
}

void add_line(std::string_view line, std::vector<DeviceInfo>& phcs, std::vector<DeviceInfo>& rtcs) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view sysname = line.substr(0, colon);
    const std::string_view attribute = line.substr(colon + 1);
    const auto equals = attribute.find('=');
    if (equals == std::string_view::npos) return;
    const std::string_view key = attribute.substr(0, equals);
    const std::string_view value = attribute.substr(equals + 1);
    const bool rtc = sysname.starts_with("rtc");
    DeviceInfo& device = device_named(rtc ? rtcs : phcs, sysname);
    device.subsystem = rtc ? "rtc" : "ptp";
    if (key == "net")
        device.network_interfaces.emplace_back(value);
    else if (key == "symlink")
        device.symlinks.emplace_back(value);
    else
        device.attributes[std::string(key)] = value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace guestclock;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<DeviceInfo> phcs;
    std::vector<DeviceInfo> rtcs;
    while (!text.empty()) {
        const auto end = text.find('\n');
        add_line(text.substr(0, end), phcs, rtcs);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }

    const auto candidates = classify_phcs(phcs);
    for (const bool allow_nic : {false, true}) {
        const auto selected = select_phc(candidates, allow_nic);
        if (!selected) continue;
        if (!allow_nic && !is_paravirtual(selected->kind)) std::abort();
        (void)preferred_path(*selected);
        (void)phc_kind_name(selected->kind);
    }

    FakeDeviceFinder finder;
    finder.devices = rtcs;
    for (const std::string_view requested : {"", "rtc1", "/dev/rtc0"})
        if (auto rtc = select_rtc(finder, requested); rtc && rtc->path.empty()) std::abort();
    return 0;
}
