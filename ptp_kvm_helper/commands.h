// The subcommands of ptp_kvm_helper, one function each; main.cpp wires them to the command line
// and hands them the machine's devices. Each returns an exit code (common/cli.h) and logs its
// own failures.
#pragma once

#include "common/cli.h"
#include "common/clock_adjuster.h"
#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/module_loader.h"
#include "common/phc.h"
#include "common/plausible_time.h"
#include "common/system_files.h"
#include "common/systemd_units.h"
#include "common/time_ns.h"
#include "common/vmclock.h"
#include "ptp_kvm_helper/chrony_config.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace guestclock {

// Starts listening to udev's events of one subsystem ("ptp", "misc"). Commands open monitors
// only when they wait, so one that cannot listen fails only the commands that need it.
using DeviceMonitorOpener =
    std::function<Result<std::unique_ptr<DeviceMonitor>>(std::string_view subsystem)>;

// The machine as the commands see it: main.cpp builds the real devices once; tests hand in fakes.
struct PtpDevices {
    DeviceFinder& finder;
    PhcOpener open_phc;
    ClockAdjuster& adjuster;
    const SystemFiles& files; // this machine's root: /proc, /sys, chrony's configuration
    ModuleLoader& modules;
    UnitRestarter& units;
    DeviceMonitorOpener open_monitor;
    VmclockOpener open_vmclock;
};

struct LoadOptions {
    double timeout_s = 10;
    bool force = false;
};
int run_load(const LoadOptions& options, PtpDevices& devices);

struct ListOptions {
    bool json = false;
    bool allow_nic = false; // only changes which one is marked selected
};
int run_list(const ListOptions& options, PtpDevices& devices);

struct SelectOptions {
    double wait_s = 0;
    bool allow_nic = false;
};
int run_select(const SelectOptions& options, PtpDevices& devices);

struct OffsetOptions {
    int count = 10;
    bool json = false;
    std::string device; // empty: the selected PHC
    bool allow_nic = false;
};
int run_offset(const OffsetOptions& options, PtpDevices& devices);

struct ChronyOptions {
    bool write = false;
    bool remove = false;
    bool boot = false;       // write or remove as this boot's clocks say; never restart chronyd
    std::string conf_dir;    // empty: chrony.conf's confdir
    std::string config_file; // empty: /etc/chrony/chrony.conf, else /etc/chrony.conf
    int poll = kChronyDefaultPoll;
};
int run_chrony(const ChronyOptions& options, PtpDevices& devices);

struct SyncOptions {
    double step_threshold_s = 0.001;
    double interval_s = 1;
    bool once = false;
    bool force = false;
    std::string device;      // empty: the selected PHC, followed across removal and re-adding
    std::string prometheus;  // node_exporter textfile rewritten after each update; empty: none
    std::string min_time;    // as given; empty: none
    std::string max_offline; // as given; empty: the default
};
// The evidence a PHC reading is judged by: the build date, --min-time, rtc_resync's last good
// time in the state directory, --max-offline. A bad option is an error.
Result<TimeEvidence> sync_time_evidence(const SyncOptions& options, const SystemFiles& files);
int run_sync(const SyncOptions& options, PtpDevices& devices);

} // namespace guestclock
