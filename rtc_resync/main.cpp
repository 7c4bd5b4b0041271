// rtc_resync: keeps the system clock on the hypervisor's emulated RTC, precisely (second edges,
// not whole seconds) and safely (no implausible reference moves the clock). See rtc_resync(8).
#include "common/chrony_control.h"
#include "common/cli.h"
#include "common/daemon.h"
#include "common/device_monitor.h"
#include "common/metrics_file.h"
#include "rtc_resync/clock_lock.h"
#include "rtc_resync/commands.h"
#include "rtc_resync/resync_daemon.h"
#include "rtc_resync/settings_file.h"

#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

using namespace guestclock;

namespace {

struct CommandLine {
    CommonOptions common;
    std::vector<ConfigEntry> settings; // the settings given on the command line, over the files
    std::string config_path{kDefaultConfigPath};
    bool config_given = false;
    bool dry_run = false;
    bool force = false;     // once: accept an RTC beyond the ceiling, this time only
    std::string prometheus; // daemon: node_exporter textfile, empty for none
};

void add_resync_options(CLI::App& app, CommandLine& cl) {
    add_common_options(app, cl.common);
    // Every setting of rtc_resync.conf(5), as --key; the files' keys and these are one table.
    add_command_line_options(app, resync_options(), resync_aliases(), cl.settings);
    app.get_option("--utc")->excludes("--localtime");
    app.add_option("--config", cl.config_path,
                   "Configuration file, read with its FILE.d/*.conf drop-ins")
        ->each([&](const std::string&) { cl.config_given = true; });
}

// The machine's real devices for the one-shot commands; an exit code when there is no RTC.
int with_machine(const ResyncSettings& settings, const std::function<int(ResyncMachine&)>& run) {
    UdevDeviceFinder finder;
    auto selected = select_rtc(finder, settings.device);
    if (!selected) {
        spdlog::error("{}; nothing changed", selected.error().message());
        return kExitRuntime;
    }
    auto rtc = DeviceRtc::open(selected->path);
    if (!rtc) {
        spdlog::error("{}; nothing changed", rtc.error().message());
        return kExitRuntime;
    }
    SystemTimebase timebase;
    SystemClockAdjuster adjuster;
    SystemFiles files;
    ResyncMachine machine{**rtc, *selected, timebase, adjuster, files};
    return run(machine);
}

int run_daemon(const CommandLine& cl, const ResyncSettings& settings) {
    auto lock = lock_clock(settings);
    if (auto* code = std::get_if<int>(&lock)) return *code;
    auto loop = Daemon::create();
    if (!loop) throw std::runtime_error(loop.error().message());
    UdevDeviceFinder finder;
    SystemTimebase timebase;
    SystemClockAdjuster adjuster;
    SystemFiles files;
    // udev may be absent (early boot, containers): then the 1 s check alone finds a new RTC.
    auto monitor = UdevDeviceMonitor::open("rtc");
    ResyncDevices devices{adjuster,
                          timebase,
                          files,
                          finder,
                          [](const std::string& path) -> Result<std::unique_ptr<Rtc>> {
                              auto rtc = DeviceRtc::open(path);
                              if (!rtc) return std::unexpected(rtc.error());
                              return std::unique_ptr<Rtc>(std::move(*rtc));
                          },
                          monitor ? monitor->get() : nullptr};
    std::optional<MetricsFile> metrics;
    auto misc_monitor = UdevDeviceMonitor::open("misc");
    ChronycControl chrony;
    devices.open_vmclock = [](const std::string& path) -> Result<std::unique_ptr<Vmclock>> {
        auto vmclock = DeviceVmclock::open(path);
        if (!vmclock) return std::unexpected(vmclock.error());
        return std::unique_ptr<Vmclock>(std::move(*vmclock));
    };
    devices.misc_events = misc_monitor ? misc_monitor->get() : nullptr;
    devices.chrony = &chrony;
    if (!cl.prometheus.empty()) devices.metrics = &metrics.emplace(cl.prometheus);
    ResyncDaemon daemon(devices, settings, [&cl] {
        return load_settings(cl.config_path, cl.config_given, cl.settings);
    });
    if (auto attached = daemon.attach(**loop); !attached)
        throw std::runtime_error(attached.error().message());
    (*loop)->notify_ready("started");
    auto code = (*loop)->run();
    if (!code) throw std::runtime_error(code.error().message());
    return *code;
}

} // namespace

int main(int argc, char** argv) try {
    CLI::App app{"Keep the system clock on the emulated RTC", "rtc_resync"};
    CommandLine cl;
    add_resync_options(app, cl);
    app.require_subcommand(1);
    app.fallthrough();
    const auto output = [&cl] { return OutputOptions{cl.common.json, cl.dry_run}; };
    const std::vector<Subcommand<ResyncSettings>> commands{
        {"status", "Measure the offset, change nothing", [](CLI::App&) {},
         [&](ResyncSettings& settings) {
             return with_machine(settings, [&](ResyncMachine& m) {
                 return run_status(m, settings, output(), std::cout);
             });
         }},
        {"once", "Measure and correct once",
         [&](CLI::App& cmd) {
             cmd.add_flag("--dry-run", cl.dry_run, "Decide, log, but change nothing");
             cmd.add_flag(
                 "--force", cl.force,
                 "Believe an RTC beyond the ceiling (the floor and other checks still hold)");
         },
         [&](ResyncSettings& settings) {
             if (cl.force) settings.max_offline.reset();
             std::variant<InstanceLock, int> lock = kExitOk; // a dry run only measures
             if (!cl.dry_run) lock = lock_clock(settings);
             if (auto* code = std::get_if<int>(&lock); code && *code != kExitOk) return *code;
             return with_machine(settings, [&](ResyncMachine& m) {
                 return run_once(m, settings, output(), std::cout);
             });
         }},
        {"daemon", "Keep correcting (systemd service)",
         [&](CLI::App& cmd) {
             cmd.add_option("--prometheus", cl.prometheus,
                            "Write node_exporter textfile metrics to FILE after each measurement");
         },
         [&](ResyncSettings& settings) { return run_daemon(cl, settings); }},
    };
    const auto given = add_subcommands(app, commands);

    return run_cli(app, argc, argv, cl.common, [&] {
        // Settings: configuration file, its drop-ins, then the command line.
        auto settings = load_settings(cl.config_path, cl.config_given, cl.settings);
        if (!settings) {
            spdlog::error("{}", settings.error().message());
            return int{kExitUsage};
        }
        return run_subcommand(commands, given, *settings);
    });
} catch (const std::exception& e) {
    // Only setting up the command line can get here; run_cli catches the rest.
    std::cerr << "rtc_resync: " << e.what() << "\n";
    return kExitRuntime;
}
