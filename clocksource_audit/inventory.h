// Everything the audit learns without measuring: cheap enough (<200 ms) to run on every boot.
#pragma once

#include "clocksource_audit/clocksources.h"
#include "clocksource_audit/kernel_messages.h"
#include "clocksource_audit/kernel_parameters.h"
#include "clocksource_audit/vmclock_inventory.h"
#include "common/architecture.h"
#include "common/clock_adjuster.h"
#include "common/device_finder.h"
#include "common/hypervisor.h"
#include "common/kernel_log.h"
#include "common/system_files.h"
#include "common/time_daemons.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace guestclock {

struct ClockDevice {
    std::string devnode;
    std::string sysname;
    std::string name; // a PHC's clock_name, an RTC's name
    std::string driver;
    std::vector<std::string> symlinks;
    bool hctosys = false; // RTCs: the kernel set the system clock from it at boot
    std::vector<std::string> network_interfaces; // PHCs of NICs
};

struct Inventory {
    Architecture architecture = kBuiltArchitecture; // x86 or not decides what applies below
    ClocksourceList clocksources;
    std::string cmdline;
    TimeKernelParameters parameters;
    std::set<std::string> cpu_flags; // x86's "flags" line; empty elsewhere
    HypervisorIdentity hypervisor;
    std::optional<ClocksourceMessages> kernel_messages; // absent when the log is unreadable
    std::string kernel_log_source; // where kernel_messages came from (KernelLog::source)
    std::vector<ClockDevice> phcs;
    std::vector<ClockDevice> rtcs;
    VmclockInventory vmclock;
    std::optional<KernelClockState> kernel_clock;
    std::vector<TimeDaemon> time_daemons;
    bool serves_ntp = false;
    std::vector<std::string> problems; // what could not be read, each one line
};

struct InventorySources {
    const SystemFiles& files;
    DeviceFinder& devices;
    ClockAdjuster& clock;
    std::function<Result<KernelLog>()> read_kernel_log; // empty: the kernel log is not read
    VmclockOpener open_vmclock;                         // empty: vmclock pages are not read
};

Inventory take_inventory(const InventorySources& sources);

} // namespace guestclock
