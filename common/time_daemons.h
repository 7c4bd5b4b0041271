// Which time daemons run here and whether this machine serves time to others: policy needs
// both (stand down beside a synchronised daemon; a VM that serves NTP must not use kvm-clock).
//
// Two sources, merged: /proc/*/comm, and the time-daemon units systemd reports running. /proc
// alone is fragile inside a hardened unit. Under ProtectProc=invisible (hidepid) the kernel shows
// a process only to callers that may ptrace it or belong to the mount's gid= group, and our
// daemons hold only CAP_SYS_TIME while chronyd runs as _chrony, ntpd as ntp, phc2sys as root
// with every capability. Today they still see them all, but only because systemd mounts that
// /proc without gid=, which the kernel takes as gid 0, and our units run in group root (checked
// in the image tier: the same sandbox with Group=nogroup sees no other process at all). Asking
// systemd does not depend on /proc; without systemd (the VM tier's busybox init) /proc is all
// there is.
#pragma once

#include "common/system_files.h"
#include "common/systemd_units.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace guestclock {

struct TimeDaemon {
    int pid = 0;           // 0 when only systemd reported it (its process hidden from us)
    std::string name;      // "chronyd", "ntpd", "systemd-timesyncd", "phc2sys", "ptp4l"
    std::string unit = {}; // "chrony.service" when systemd reported it; empty otherwise
};

// Names of processes that discipline the system clock, as /proc/PID/comm shows them
// (comm is cut to 15 characters: "systemd-timesyn"). ptp_kvm_helper is one (its sync servo), so
// rtc_resync stands down beside it; rtc_resync is not, so that the more precise PHC servo may
// run beside it.
bool is_time_daemon_comm(std::string_view comm);

// The time daemons running, from /proc/*/comm below the files' root, leaving out own_pid (so
// that ptp_kvm_helper sync does not find itself). Fails when /proc cannot be listed.
Result<std::vector<TimeDaemon>> time_daemons_in_proc(const SystemFiles& files, int own_pid);

// The shell patterns of the units systemd is asked about: chrony, ntp, ntpsec, openntpd,
// systemd-timesyncd, phc2sys and ptp4l (also their @instances), timemaster, ptp-kvm-sync, and
// the units ntp-units.d lists (ntp_units_listed).
std::vector<std::string> time_daemon_unit_patterns(std::span<const std::string> listed = {});

// The daemon a unit runs, named as time_daemons_in_proc names it ("chronyd" for chrony.service
// and chronyd.service, "phc2sys" for phc2sys@eth0.service, "ptp_kvm_helper" for
// ptp-kvm-sync.service); a unit we do not know but ntp-units.d lists is named after itself
// ("foo" for foo.service). Nothing for any other unit, chrony-wait.service among them.
std::optional<std::string> time_daemon_of_unit(std::string_view unit,
                                               std::span<const std::string> listed = {});

// Whether a unit in this state has its daemon running or starting, not stopped, stopping,
// failed or waiting to be restarted.
bool unit_is_running(const UnitState& unit);

// The running time daemons among the units, leaving out own_unit (the unit we run in: the sync
// servo in ptp-kvm-sync.service must not find itself). Each daemon once.
std::vector<TimeDaemon> time_daemons_in_units(std::span<const UnitState> units,
                                              std::string_view own_unit,
                                              std::span<const std::string> listed = {});

// One list from both sources: every daemon /proc showed, in its order, the unit of the same name
// attached to it; then the daemons only systemd reported (pid 0).
std::vector<TimeDaemon> merge_time_daemons(std::vector<TimeDaemon> from_proc,
                                           std::span<const TimeDaemon> from_units);

// Both sources merged. units is asked unless it is null. A source that cannot be read adds
// nothing; why is logged at debug level (a machine without systemd is not a fault).
std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, UnitLister* units, int own_pid,
                                          std::string_view own_unit);

// This machine's time daemons: when files reads this machine's own root, systemd is asked too
// (SystemdUnitLister), leaving out the unit own_pid runs in (from /proc/own_pid/cgroup); a
// fixture tree is read alone.
std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, int own_pid = getpid());

// True when /proc/net/udp or udp6 text lists a socket bound to local port 123 (NTP server).
bool udp_table_has_ntp_server(std::string_view proc_net_udp);

// Whether something here answers NTP requests (a socket on UDP port 123).
bool serves_ntp(const SystemFiles& files);

} // namespace guestclock
