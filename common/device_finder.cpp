#include "common/device_finder.h"

#include "common/udev_handles.h"

#include <algorithm>
#include <filesystem>

namespace guestclock {

namespace {

std::string or_empty(const char* s) {
    return s != nullptr ? s : "";
}

// A PHC that belongs to a NIC lists that NIC's interfaces under its parent's net/ directory.
std::vector<std::string> network_interfaces_of(udev_device* device) {
    std::vector<std::string> names;
    udev_device* parent = udev_device_get_parent(device);
    if (parent == nullptr) return names;
    std::error_code ec;
    const std::filesystem::path net =
        std::filesystem::path(udev_device_get_syspath(parent)) / "net";
    for (std::filesystem::directory_iterator it(net, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    std::ranges::sort(names);
    return names;
}

} // namespace

Result<std::vector<DeviceInfo>>
UdevDeviceFinder::enumerate(std::string_view subsystem,
                            const std::vector<std::string>& attributes) {
    UdevPtr context(udev_new());
    if (!context) return fail_errno("udev_new");
    UdevEnumeratePtr enumeration(udev_enumerate_new(context.get()));
    if (!enumeration) return fail_errno("udev_enumerate_new");
    const std::string subsystem_name(subsystem);
    int r = udev_enumerate_add_match_subsystem(enumeration.get(), subsystem_name.c_str());
    if (r >= 0) r = udev_enumerate_scan_devices(enumeration.get());
    if (r < 0) return fail(-r, "enumerate " + subsystem_name + " devices");

    std::vector<DeviceInfo> devices;
    for (udev_list_entry* entry = udev_enumerate_get_list_entry(enumeration.get());
         entry != nullptr; entry = udev_list_entry_get_next(entry)) {
        UdevDevicePtr device(
            udev_device_new_from_syspath(context.get(), udev_list_entry_get_name(entry)));
        if (!device) continue; // removed while we were enumerating
        DeviceInfo info;
        info.subsystem = subsystem_name;
        info.sysname = or_empty(udev_device_get_sysname(device.get()));
        info.syspath = or_empty(udev_device_get_syspath(device.get()));
        info.devnode = or_empty(udev_device_get_devnode(device.get()));
        if (udev_device* parent = udev_device_get_parent(device.get()))
            info.driver = or_empty(udev_device_get_driver(parent));
        for (udev_list_entry* link = udev_device_get_devlinks_list_entry(device.get());
             link != nullptr; link = udev_list_entry_get_next(link))
            info.symlinks.emplace_back(udev_list_entry_get_name(link));
        for (const auto& attribute : attributes) {
            if (const char* value = udev_device_get_sysattr_value(device.get(), attribute.c_str()))
                info.attributes[attribute] = value;
        }
        info.network_interfaces = network_interfaces_of(device.get());
        devices.push_back(std::move(info));
    }
    std::ranges::sort(devices, {}, &DeviceInfo::sysname);
    return devices;
}

} // namespace guestclock
