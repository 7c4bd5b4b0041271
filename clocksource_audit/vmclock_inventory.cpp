#include "clocksource_audit/vmclock_inventory.h"

#include <grp.h>
#include <sys/stat.h>

namespace guestclock {

namespace {

constexpr std::string_view kAcpiDevices = "/sys/bus/acpi/devices";

// An ACPI modalias lists the HID and then the CIDs: "acpi:AMZNC10C:VMCLOCK:".
bool is_vmclock_modalias(const std::string& modalias) {
    return modalias.starts_with("acpi:") && (modalias.find(":AMZNC10C:") != std::string::npos ||
                                             modalias.find(":VMCLOCK:") != std::string::npos);
}

std::vector<std::string> vmclock_acpi_devices(const SystemFiles& files) {
    std::vector<std::string> found;
    auto names = files.list(kAcpiDevices);
    if (!names) return found; // no ACPI (e.g. a device-tree guest): nothing to offer the page
    for (const auto& name : *names) {
        auto modalias = files.read_line(std::string(kAcpiDevices) + "/" + name + "/modalias");
        if (modalias && is_vmclock_modalias(*modalias)) found.push_back(name);
    }
    return found;
}

// modules.dep names every module of the kernel ("kernel/drivers/ptp/ptp_vmclock.ko.xz: ..."),
// modules.builtin every built-in one.
bool kernel_ships_vmclock(const SystemFiles& files, const std::string& release) {
    for (const char* list : {"modules.dep", "modules.builtin"}) {
        auto text = files.read("/lib/modules/" + release + "/" + list);
        if (text && text->find("/ptp_vmclock.ko") != std::string::npos) return true;
    }
    return false;
}

VmclockNode read_node(const SystemFiles& files, const std::string& devnode,
                      const VmclockOpener& open_vmclock) {
    VmclockNode node;
    node.devnode = devnode;
    struct stat st {};
    if (::stat(files.resolve(devnode).c_str(), &st) == 0) {
        node.mode = st.st_mode & 07777;
        node.gid = st.st_gid;
        if (const group* g = ::getgrgid(st.st_gid)) node.group = g->gr_name;
    }
    if (!open_vmclock) return node;
    auto device = open_vmclock(devnode);
    auto page = device ? (*device)->read() : Result<VmclockPage>(std::unexpected(device.error()));
    if (page)
        node.page = *page;
    else
        node.problem = page.error().message();
    return node;
}

} // namespace

VmclockInventory take_vmclock_inventory(const SystemFiles& files, DeviceFinder& devices,
                                        const VmclockOpener& open_vmclock,
                                        std::vector<std::string>& problems) {
    VmclockInventory inventory;
    inventory.acpi_devices = vmclock_acpi_devices(files);
    if (auto release = files.read_line("/proc/sys/kernel/osrelease")) {
        inventory.kernel_release = *release;
        inventory.module_in_kernel = kernel_ships_vmclock(files, *release);
    }
    inventory.module_loaded = files.exists("/sys/module/ptp_vmclock");
    auto devnodes = find_vmclock_devices(devices);
    if (!devnodes) {
        problems.push_back(devnodes.error().message());
        return inventory;
    }
    for (const auto& devnode : *devnodes)
        inventory.nodes.push_back(read_node(files, devnode, open_vmclock));
    return inventory;
}

bool vmclock_root_only(const VmclockNode& node) {
    if (!node.mode) return false; // unknown: claim nothing
    const bool other_reads = (*node.mode & S_IROTH) != 0;
    const bool group_reads = (*node.mode & S_IRGRP) != 0 && node.gid.value_or(0) != 0;
    return !other_reads && !group_reads;
}

} // namespace guestclock
