// Which time daemons run here and whether this machine serves time to others: policy needs
// both (stand down beside a synchronised daemon; a VM that serves NTP must not use kvm-clock).
#pragma once

#include "common/system_files.h"

#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct TimeDaemon {
    int pid = 0;
    std::string name; // "chronyd", "ntpd", "systemd-timesyncd", "phc2sys", "ptp4l"
};

// Names of processes that discipline the system clock, as /proc/PID/comm shows them
// (comm is cut to 15 characters: "systemd-timesyn").
bool is_time_daemon_comm(std::string_view comm);

// The time daemons running, from /proc/*/comm below the files' root.
std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files);

// True when /proc/net/udp or udp6 text lists a socket bound to local port 123 (NTP server).
bool udp_table_has_ntp_server(std::string_view proc_net_udp);

// Whether something here answers NTP requests (a socket on UDP port 123).
bool serves_ntp(const SystemFiles& files);

} // namespace guestclock
