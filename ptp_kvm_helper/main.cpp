// ptp_kvm_helper: load ptp_kvm, select the paravirtual PHC through udev, and make the guest
// follow it, through chrony or through its own servo.
#include "common/cli.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/sync_settings.h"

#include <iostream>
#include <spdlog/spdlog.h>
#include <vector>

using namespace guestclock;

int main(int argc, char** argv) try {
    CLI::App app{"Use the hypervisor's clock (ptp_kvm and other paravirtual PHCs) as the guest's "
                 "time reference",
                 "ptp_kvm_helper"};
    CommonOptions common;
    add_common_options(app, common);
    app.require_subcommand(1);
    // Subcommands inherit this, so `list --json` and `sync -v` work as users type them.
    app.fallthrough();

    LoadOptions load;
    ListOptions list;
    SelectOptions select;
    OffsetOptions offset;
    ChronyOptions chrony;
    SyncOptions sync;
    // sync's settings: its configuration file and drop-ins, then these options over them.
    std::vector<ConfigEntry> sync_given;
    std::string sync_config{kDefaultSyncConfigPath};
    bool sync_config_given = false;

    const std::vector<Subcommand<PtpDevices>> commands{
        {"load", "Load ptp_kvm and wait for its PHC",
         [&](CLI::App& cmd) {
             // Bounded (a day): seconds become int64 nanoseconds, which 1e300 would overflow.
             cmd.add_option("--timeout", load.timeout_s, "Seconds to wait for the PHC")
                 ->check(CLI::Range(0.0, 86400.0))
                 ->capture_default_str();
             cmd.add_flag("--force", load.force, "Load even when CPUID does not say KVM");
         },
         [&](PtpDevices& devices) { return run_load(load, devices); }},
        {"list", "List every PHC with its kind and capabilities",
         [&](CLI::App& cmd) {
             cmd.add_flag("--allow-nic", list.allow_nic, "Let a NIC's PHC be marked selected");
         },
         [&](PtpDevices& devices) {
             list.json = common.json;
             return run_list(list, devices);
         }},
        {"select", "Print the selected paravirtual PHC's path",
         [&](CLI::App& cmd) {
             cmd.add_option("--wait", select.wait_s, "Seconds to wait for one to appear")
                 ->check(CLI::Range(0.0, 86400.0))
                 ->capture_default_str();
             cmd.add_flag("--allow-nic", select.allow_nic,
                          "Accept a NIC's PHC when no paravirtual one exists");
         },
         [&](PtpDevices& devices) { return run_select(select, devices); }},
        {"offset", "Measure CLOCK_REALTIME minus the PHC",
         [&](CLI::App& cmd) {
             cmd.add_option("--count", offset.count, "Samples to take")
                 ->check(CLI::Range(1, 1000))
                 ->capture_default_str();
             cmd.add_option("--device", offset.device, "PHC to read instead of the selected one");
         },
         [&](PtpDevices& devices) {
             offset.json = common.json;
             return run_offset(offset, devices);
         }},
        {"chrony", "Print, write or remove chrony's drop-in",
         [&](CLI::App& cmd) {
             auto* write = cmd.add_flag("--write", chrony.write,
                                        "Write the drop-in and restart a running chronyd");
             auto* remove = cmd.add_flag("--remove", chrony.remove,
                                         "Remove the drop-in and restart a running chronyd");
             cmd.add_flag("--boot", chrony.boot,
                          "At boot: write the drop-in if a paravirtual PHC is present, else "
                          "remove ours; never restart chronyd")
                 ->excludes(write)
                 ->excludes(remove);
             write->excludes(remove);
             cmd.add_option("--conf-dir", chrony.conf_dir,
                            "Directory for the drop-in (default: confdir)");
             cmd.add_option("--config", chrony.config_file, "chronyd's main configuration file");
             cmd.add_option("--poll", chrony.poll, "refclock poll (log2 seconds)")
                 ->check(CLI::Range(-4, 6))
                 ->capture_default_str();
         },
         [&](PtpDevices& devices) { return run_chrony(chrony, devices); }},
        {"sync", "Discipline CLOCK_REALTIME from the PHC",
         [&](CLI::App& cmd) {
             // Every setting of its configuration file, as --key: one table for both.
             add_command_line_options(cmd, sync_options(), {}, sync_given);
             cmd.add_option("--config", sync_config,
                            "Configuration file, read with its FILE.d/*.conf drop-ins")
                 ->each([&](const std::string&) { sync_config_given = true; });
             cmd.add_flag("--once", sync.once, "Correct once (step or slew) and exit");
             cmd.add_flag("--force", sync.force, "Run even while another time daemon runs");
             cmd.add_option("--prometheus", sync.prometheus,
                            "Write node_exporter textfile metrics to FILE after each update")
                 ->excludes("--once");
         },
         [&](PtpDevices& devices) {
             if (auto loaded = load_sync_settings(sync_config, sync_config_given, sync_given, sync);
                 !loaded) {
                 spdlog::error("{}", loaded.error().message());
                 return int{kExitUsage};
             }
             return run_sync(sync, devices);
         }},
    };
    const auto given = add_subcommands(app, commands);

    return run_cli(app, argc, argv, common, [&] {
        // The machine's devices, built once and handed to whichever command runs.
        UdevDeviceFinder finder;
        SystemClockAdjuster adjuster;
        const SystemFiles files("/");
        KmodModuleLoader modules;
        SystemdUnitRestarter units;
        PtpDevices devices{.finder = finder,
                           .open_phc = DevicePhc::open,
                           .adjuster = adjuster,
                           .files = files,
                           .modules = modules,
                           .units = units,
                           .open_monitor = UdevDeviceMonitor::open,
                           .open_vmclock = DeviceVmclock::open};

        return run_subcommand(commands, given, devices);
    });
} catch (const std::exception& e) {
    // Only setting up the command line can get here; run_cli catches the rest.
    std::cerr << "ptp_kvm_helper: " << e.what() << "\n";
    return kExitRuntime;
}
