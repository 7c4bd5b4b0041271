#include "clocksource_audit/inventory.h"

#include "clocksource_audit/cpu_flags.h"

namespace guestclock {

namespace {

std::vector<ClockDevice> clock_devices(DeviceFinder& finder, const char* subsystem,
                                       const char* name_attribute,
                                       std::vector<std::string>& problems) {
    std::vector<ClockDevice> out;
    auto devices = finder.enumerate(subsystem, {name_attribute, "hctosys"});
    if (!devices) {
        problems.push_back(devices.error().message());
        return out;
    }
    for (const auto& device : *devices) {
        ClockDevice clock;
        clock.devnode = device.devnode;
        clock.sysname = device.sysname;
        clock.driver = device.driver;
        clock.symlinks = device.symlinks;
        clock.network_interfaces = device.network_interfaces;
        if (auto it = device.attributes.find(name_attribute); it != device.attributes.end())
            clock.name = it->second;
        if (auto it = device.attributes.find("hctosys"); it != device.attributes.end())
            clock.hctosys = it->second == "1";
        out.push_back(std::move(clock));
    }
    return out;
}

} // namespace

Inventory take_inventory(const InventorySources& sources) {
    Inventory inventory;
    auto& problems = inventory.problems;
    if (auto clocksources = read_clocksources(sources.files))
        inventory.clocksources = *clocksources;
    else
        problems.push_back(clocksources.error().message());

    if (auto cmdline = sources.files.read_line("/proc/cmdline")) {
        inventory.cmdline = *cmdline;
        inventory.parameters = parse_time_kernel_parameters(*cmdline);
    } else {
        problems.push_back(cmdline.error().message());
    }

    if (auto cpuinfo = sources.files.read("/proc/cpuinfo"))
        inventory.cpu_flags = parse_cpu_flags(*cpuinfo);
    else
        problems.push_back(cpuinfo.error().message());

    inventory.hypervisor = detect_hypervisor(sources.files);

    if (sources.read_kernel_log) {
        if (auto log = sources.read_kernel_log()) {
            inventory.kernel_messages = parse_clocksource_messages(log->text);
            inventory.kernel_log_source = log->source;
        } else
            problems.push_back(log.error().message());
    }

    inventory.phcs = clock_devices(sources.devices, "ptp", "clock_name", problems);
    inventory.rtcs = clock_devices(sources.devices, "rtc", "name", problems);
    inventory.vmclock =
        take_vmclock_inventory(sources.files, sources.devices, sources.open_vmclock, problems);

    if (auto state = sources.clock.read_state())
        inventory.kernel_clock = *state;
    else
        problems.push_back(state.error().message());

    inventory.time_daemons = find_time_daemons(sources.files);
    inventory.serves_ntp = serves_ntp(sources.files);
    return inventory;
}

} // namespace guestclock
