#include "common/time_daemons.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <sstream>

namespace guestclock {

namespace {

constexpr std::array<std::string_view, 7> kTimeDaemonComms = {
    "chronyd", "ntpd", "systemd-timesyn", "phc2sys", "ptp4l", "openntpd", "ptp_kvm_helper"};

std::string full_name(std::string_view comm) {
    if (comm == "systemd-timesyn") return "systemd-timesyncd";
    return std::string(comm);
}

} // namespace

bool is_time_daemon_comm(std::string_view comm) {
    return std::ranges::find(kTimeDaemonComms, comm) != kTimeDaemonComms.end();
}

std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, int own_pid) {
    std::vector<TimeDaemon> daemons;
    auto entries = files.list("/proc");
    if (!entries) return daemons;
    for (const auto& entry : *entries) {
        int pid = 0;
        const auto [end, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), pid);
        if (ec != std::errc{} || end != entry.data() + entry.size() || pid == own_pid) continue;
        auto comm = files.read_line("/proc/" + entry + "/comm");
        if (comm && is_time_daemon_comm(*comm)) daemons.push_back({pid, full_name(*comm)});
    }
    return daemons;
}

bool udp_table_has_ntp_server(std::string_view proc_net_udp) {
    // Lines look like "  12: 00000000:007B 00000000:0000 07 ...": the local address's port is
    // the hex number after the first colon of the second field.
    std::istringstream lines{std::string(proc_net_udp)};
    std::string line;
    std::getline(lines, line); // header
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string slot;
        std::string local;
        if (!(fields >> slot >> local)) continue;
        const auto colon = local.rfind(':');
        if (colon == std::string::npos) continue;
        unsigned port = 0;
        const auto* first = local.data() + colon + 1;
        const auto [end, ec] = std::from_chars(first, local.data() + local.size(), port, 16);
        if (ec == std::errc{} && end == local.data() + local.size() && port == 123) return true;
    }
    return false;
}

bool serves_ntp(const SystemFiles& files) {
    for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
        auto text = files.read(table);
        if (text && udp_table_has_ntp_server(*text)) return true;
    }
    return false;
}

} // namespace guestclock
