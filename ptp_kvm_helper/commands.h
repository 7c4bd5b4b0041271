// The subcommands of ptp_kvm_helper, one function each; main.cpp wires them to the command line.
// Each returns an exit code (common/cli.h) and logs its own failures.
#pragma once

#include "common/cli.h"
#include "common/plausible_time.h"
#include "common/system_files.h"
#include "common/time_ns.h"
#include "ptp_kvm_helper/chrony_config.h"

#include <string>

namespace guestclock {

struct LoadOptions {
    double timeout_s = 10;
    bool force = false;
};
int run_load(const LoadOptions& options);

struct ListOptions {
    bool json = false;
    bool allow_nic = false; // only changes which one is marked selected
};
int run_list(const ListOptions& options);

struct SelectOptions {
    double wait_s = 0;
    bool allow_nic = false;
};
int run_select(const SelectOptions& options);

struct OffsetOptions {
    int count = 10;
    bool json = false;
    std::string device; // empty: the selected PHC
    bool allow_nic = false;
};
int run_offset(const OffsetOptions& options);

struct ChronyOptions {
    bool write = false;
    bool remove = false;
    bool boot = false;       // write or remove as this boot's clocks say; never restart chronyd
    std::string conf_dir;    // empty: chrony.conf's confdir
    std::string config_file; // empty: /etc/chrony/chrony.conf, else /etc/chrony.conf
    int poll = kChronyDefaultPoll;
};
int run_chrony(const ChronyOptions& options);

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
int run_sync(const SyncOptions& options);

} // namespace guestclock
