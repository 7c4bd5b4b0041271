// Which time daemons run here and whether this machine serves time to others: policy needs
// both (stand down beside a synchronised daemon; a VM that serves NTP must not use kvm-clock).
#pragma once

#include "common/system_files.h"

#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace guestclock {

struct TimeDaemon {
    int pid = 0;
    std::string name; // "chronyd", "ntpd", "systemd-timesyncd", "phc2sys", "ptp4l"
};

// Names of processes that discipline the system clock, as /proc/PID/comm shows them
// (comm is cut to 15 characters: "systemd-timesyn"). ptp_kvm_helper is one (its sync servo), so
// rtc_resync stands down beside it; rtc_resync is not, so that the more precise PHC servo may
// run beside it.
bool is_time_daemon_comm(std::string_view comm);

// The time daemons running, from /proc/*/comm below the files' root, leaving out own_pid (so
// that ptp_kvm_helper sync does not find itself).
std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, int own_pid = getpid());

// True when /proc/net/udp or udp6 text lists a socket bound to local port 123 (NTP server).
bool udp_table_has_ntp_server(std::string_view proc_net_udp);

// Whether something here answers NTP requests (a socket on UDP port 123).
bool serves_ntp(const SystemFiles& files);

} // namespace guestclock
