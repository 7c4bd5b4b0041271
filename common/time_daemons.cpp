#include "common/time_daemons.h"

#include "common/ntp_units.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <spdlog/spdlog.h>
#include <sstream>
#include <utility>

namespace guestclock {

namespace {

constexpr std::array<std::string_view, 7> kTimeDaemonComms = {
    "chronyd", "ntpd", "systemd-timesyn", "phc2sys", "ptp4l", "openntpd", "ptp_kvm_helper"};

std::string full_name(std::string_view comm) {
    if (comm == "systemd-timesyn") return "systemd-timesyncd";
    return std::string(comm);
}

// Units named after the daemon they run. Debian's chrony.service is Fedora's chronyd.service;
// ntpsec.service is also called ntp.service.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kDaemonUnits = {{
    {"chrony.service", "chronyd"},
    {"chronyd.service", "chronyd"},
    {"ntp.service", "ntpd"},
    {"ntpd.service", "ntpd"},
    {"ntpsec.service", "ntpd"},
    {"openntpd.service", "openntpd"},
    {"systemd-timesyncd.service", "systemd-timesyncd"},
    {"timemaster.service", "timemaster"},
    {"ptp-kvm-sync.service", "ptp_kvm_helper"},
}};

// Families with one unit per clock or interface: linuxptp's phc2sys@.service and ptp4l@.service,
// and the names administrators give their own (phc2sys-eth0.service).
constexpr std::array<std::string_view, 2> kDaemonUnitFamilies = {"phc2sys", "ptp4l"};

constexpr std::string_view kServiceSuffix = ".service";

} // namespace

bool is_time_daemon_comm(std::string_view comm) {
    return std::ranges::find(kTimeDaemonComms, comm) != kTimeDaemonComms.end();
}

Result<std::vector<TimeDaemon>> time_daemons_in_proc(const SystemFiles& files, int own_pid) {
    auto entries = files.list("/proc");
    if (!entries) return std::unexpected(entries.error());
    std::vector<TimeDaemon> daemons;
    for (const auto& entry : *entries) {
        int pid = 0;
        const auto [end, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), pid);
        if (ec != std::errc{} || end != entry.data() + entry.size() || pid == own_pid) continue;
        auto comm = files.read_line("/proc/" + entry + "/comm");
        if (comm && is_time_daemon_comm(*comm)) daemons.push_back({pid, full_name(*comm)});
    }
    return daemons;
}

std::vector<std::string> time_daemon_unit_patterns(std::span<const std::string> listed) {
    std::vector<std::string> all;
    all.reserve(kDaemonUnits.size() + kDaemonUnitFamilies.size() + listed.size());
    for (const auto& [unit, daemon] : kDaemonUnits)
        all.emplace_back(unit);
    for (std::string_view family : kDaemonUnitFamilies)
        all.push_back(std::string(family) + "*" + std::string(kServiceSuffix));
    for (const auto& unit : listed)
        if (time_daemon_of_unit(unit, listed) && std::ranges::find(all, unit) == all.end())
            all.push_back(unit);
    return all;
}

std::optional<std::string> time_daemon_of_unit(std::string_view unit,
                                               std::span<const std::string> listed) {
    for (const auto& [name, daemon] : kDaemonUnits)
        if (unit == name) return std::string(daemon);
    if (!unit.ends_with(kServiceSuffix)) return std::nullopt;
    const bool is_listed = std::ranges::find(listed, unit) != listed.end();
    // A listed name is a unit, not a pattern: a glob character there is not a daemon's name.
    if (is_listed && unit.find_first_of("*?[@") == std::string_view::npos)
        return std::string(unit.substr(0, unit.size() - kServiceSuffix.size()));
    const std::string_view stem = unit.substr(0, unit.size() - kServiceSuffix.size());
    for (std::string_view family : kDaemonUnitFamilies) {
        if (!stem.starts_with(family)) continue;
        const std::string_view rest = stem.substr(family.size());
        // phc2sys.service, phc2sys@eth0.service, phc2sys-eth0.service; not phc2sysfoo.service.
        if (rest.empty() || rest.front() == '@' || rest.front() == '-') return std::string(family);
    }
    return std::nullopt;
}

bool unit_is_running(const UnitState& unit) {
    const auto& active = unit.active_state;
    const auto& sub = unit.sub_state;
    // "active/exited" is a oneshot that ran and left nothing behind; "activating/auto-restart"
    // a daemon that died and waits to be started again; "activating/start-pre" and
    // "activating/condition" have not started the daemon yet.
    if (active == "active") return sub != "exited";
    if (active == "reloading") return true;
    if (active == "activating") return sub == "start" || sub == "start-post";
    return false;
}

std::vector<TimeDaemon> time_daemons_in_units(std::span<const UnitState> units,
                                              std::string_view own_unit,
                                              std::span<const std::string> listed) {
    std::vector<TimeDaemon> daemons;
    for (const auto& unit : units) {
        if (unit.name == own_unit || !unit_is_running(unit)) continue;
        auto daemon = time_daemon_of_unit(unit.name, listed);
        if (!daemon) continue;
        const bool seen = std::ranges::any_of(
            daemons, [&](const TimeDaemon& other) { return other.name == *daemon; });
        if (!seen) daemons.push_back({0, *daemon, unit.name});
    }
    return daemons;
}

std::vector<TimeDaemon> merge_time_daemons(std::vector<TimeDaemon> from_proc,
                                           std::span<const TimeDaemon> from_units) {
    for (const auto& from_unit : from_units) {
        auto same = std::ranges::find_if(from_proc, [&](const TimeDaemon& daemon) {
            return daemon.name == from_unit.name && daemon.unit.empty();
        });
        if (same != from_proc.end())
            same->unit = from_unit.unit;
        else
            from_proc.push_back(from_unit);
    }
    return from_proc;
}

std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, UnitLister* units, int own_pid,
                                          std::string_view own_unit) {
    std::vector<TimeDaemon> from_proc;
    if (auto found = time_daemons_in_proc(files, own_pid))
        from_proc = std::move(*found);
    else
        spdlog::debug("time daemons: not looked for in /proc: {}", found.error().message());
    if (units == nullptr) return from_proc;

    const auto ntp_units = ntp_units_listed(files);
    auto loaded = units->list_units(time_daemon_unit_patterns(ntp_units));
    if (!loaded) {
        spdlog::debug("time daemons: systemd not asked: {}", loaded.error().message());
        return from_proc;
    }
    const auto from_units = time_daemons_in_units(*loaded, own_unit, ntp_units);
    auto merged = merge_time_daemons(std::move(from_proc), from_units);
    for (const auto& daemon : merged)
        if (daemon.pid == 0)
            spdlog::debug("time daemons: {} runs ({} is active) but /proc does not show it",
                          daemon.name, daemon.unit);
    return merged;
}

std::vector<TimeDaemon> find_time_daemons(const SystemFiles& files, int own_pid) {
    if (!files.is_this_machine()) return find_time_daemons(files, nullptr, own_pid, {});
    // Our unit from our own cgroup file, not sd_pid_get_unit(): that also reads /proc/1/cgroup,
    // which hidepid hides from a unit outside group root.
    std::string own_unit;
    if (auto cgroup = files.read("/proc/" + std::to_string(own_pid) + "/cgroup"))
        own_unit = unit_from_cgroup(*cgroup);
    SystemdUnitLister systemd;
    return find_time_daemons(files, &systemd, own_pid, own_unit);
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
