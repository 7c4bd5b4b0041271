// The vmclock side of the inventory: the ACPI device a hypervisor offers, whether this kernel
// has the driver for it, and each /dev/vmclockN with its decoded page and who may read it.
#pragma once

#include "common/device_finder.h"
#include "common/system_files.h"
#include "common/vmclock.h"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace guestclock {

struct VmclockNode {
    std::string devnode;
    std::optional<VmclockPage> page; // nullopt when it could not be read; then problem says why
    std::string problem;
    std::optional<mode_t> mode; // permission bits of the node; nullopt when stat failed
    std::optional<gid_t> gid;
    std::string group; // the group's name where it resolves
};

struct VmclockInventory {
    // ACPI devices that are a vmclock (HID AMZNC10C or CID VMCLOCK, as the driver matches),
    // e.g. "AMZNC10C:00"; a hypervisor offers the page even where the guest has no driver.
    std::vector<std::string> acpi_devices;
    std::string kernel_release;
    bool module_loaded = false;    // /sys/module/ptp_vmclock
    bool module_in_kernel = false; // the running kernel ships ptp_vmclock, built in or as module
    std::vector<VmclockNode> nodes;
};

// Reads the nodes through open_vmclock, so tests hand in fakes; an empty opener leaves the pages
// unread. Enumeration failures land in problems, one line each.
VmclockInventory take_vmclock_inventory(const SystemFiles& files, DeviceFinder& devices,
                                        const VmclockOpener& open_vmclock,
                                        std::vector<std::string>& problems);

// No one but root may read the node: neither "other" nor a group other than root has read.
bool vmclock_root_only(const VmclockNode& node);

} // namespace guestclock
