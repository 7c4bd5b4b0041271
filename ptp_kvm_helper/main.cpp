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

    // load: ptp_kvm in, and its clock present.
    LoadOptions load;
    auto* load_cmd = app.add_subcommand("load", "Load ptp_kvm and wait for its PHC");
    // Bounded (a day): seconds become int64 nanoseconds, which 1e300 would overflow.
    load_cmd->add_option("--timeout", load.timeout_s, "Seconds to wait for the PHC")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    load_cmd->add_flag("--force", load.force, "Load even when CPUID does not say KVM");

    // list: every PHC, its kind and capabilities.
    ListOptions list;
    auto* list_cmd = app.add_subcommand("list", "List every PHC with its kind and capabilities");
    list_cmd->add_flag("--allow-nic", list.allow_nic, "Let a NIC's PHC be marked selected");

    // select: the path of the clock to follow.
    SelectOptions select;
    auto* select_cmd = app.add_subcommand("select", "Print the selected paravirtual PHC's path");
    select_cmd->add_option("--wait", select.wait_s, "Seconds to wait for one to appear")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    select_cmd->add_flag("--allow-nic", select.allow_nic,
                         "Accept a NIC's PHC when no paravirtual one exists");

    // offset: how far the system clock is from the PHC.
    OffsetOptions offset;
    auto* offset_cmd = app.add_subcommand("offset", "Measure PHC minus CLOCK_REALTIME");
    offset_cmd->add_option("--count", offset.count, "Samples to take")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    offset_cmd->add_option("--device", offset.device, "PHC to read instead of the selected one");

    // chrony: the drop-in that makes chronyd follow the PHC.
    ChronyOptions chrony;
    auto* chrony_cmd = app.add_subcommand("chrony", "Print, write or remove chrony's drop-in");
    chrony_cmd->add_flag("--write", chrony.write,
                         "Write the drop-in and restart a running chronyd");
    chrony_cmd->add_flag("--remove", chrony.remove,
                         "Remove the drop-in and restart a running chronyd");
    chrony_cmd->add_flag("--boot", chrony.boot,
                         "At boot: write the drop-in if a paravirtual PHC is present, else "
                         "remove ours; never restart chronyd");
    chrony_cmd->add_option("--conf-dir", chrony.conf_dir,
                           "Directory for the drop-in (default: confdir)");
    chrony_cmd->add_option("--config", chrony.config_file, "chronyd's main configuration file");
    chrony_cmd->add_option("--poll", chrony.poll, "refclock poll (log2 seconds)")
        ->check(CLI::Range(-4, 6))
        ->capture_default_str();
    chrony_cmd->get_option("--write")->excludes(chrony_cmd->get_option("--remove"));
    chrony_cmd->get_option("--boot")->excludes(chrony_cmd->get_option("--write"));
    chrony_cmd->get_option("--boot")->excludes(chrony_cmd->get_option("--remove"));

    // sync: our own servo, for images without chrony.
    SyncOptions sync;
    auto* sync_cmd = app.add_subcommand("sync", "Discipline CLOCK_REALTIME from the PHC");
    // Every setting of its configuration file, as --key: the file's keys and these are one table.
    std::vector<ConfigEntry> sync_given;
    add_command_line_options(*sync_cmd, sync_options(), {}, sync_given);
    std::string sync_config{kDefaultSyncConfigPath};
    bool sync_config_given = false;
    sync_cmd
        ->add_option("--config", sync_config,
                     "Configuration file, read with its FILE.d/*.conf drop-ins")
        ->each([&](const std::string&) { sync_config_given = true; });
    sync_cmd->add_flag("--once", sync.once, "Correct once (step or slew) and exit");
    sync_cmd->add_flag("--force", sync.force, "Run even while another time daemon runs");
    sync_cmd
        ->add_option("--prometheus", sync.prometheus,
                     "Write node_exporter textfile metrics to FILE after each update")
        ->excludes("--once");

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

        if (*load_cmd) return run_load(load, devices);
        if (*list_cmd) return run_list({common.json, list.allow_nic}, devices);
        if (*select_cmd) return run_select(select, devices);
        if (*offset_cmd) {
            offset.json = common.json;
            return run_offset(offset, devices);
        }
        if (*chrony_cmd) return run_chrony(chrony, devices);
        // sync's settings: configuration file, its drop-ins, then the command line.
        if (auto loaded = load_sync_settings(sync_config, sync_config_given, sync_given, sync);
            !loaded) {
            spdlog::error("{}", loaded.error().message());
            return int{kExitUsage};
        }
        return run_sync(sync, devices);
    });
} catch (const std::exception& e) {
    // Only setting up the command line can get here; run_cli catches the rest.
    std::cerr << "ptp_kvm_helper: " << e.what() << "\n";
    return kExitRuntime;
}
