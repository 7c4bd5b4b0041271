#include "common/systemd_units.h"

#include <unistd.h>

namespace guestclock {

namespace {

constexpr uint64_t kMethodTimeoutUs = 2'000'000;

struct MessageUnref {
    void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

// PID 1's own socket: no bus daemon in between, and only root may use it.
Result<BusConnection> connect_private() {
    sd_bus* raw = nullptr;
    if (const int r = sd_bus_new(&raw); r < 0) return fail(-r, "sd_bus_new");
    BusConnection bus(raw);
    if (const int r = sd_bus_set_address(bus.get(), "unix:path=/run/systemd/private"); r < 0)
        return fail(-r, "sd_bus_set_address");
    if (const int r = sd_bus_start(bus.get()); r < 0) return fail(-r, "/run/systemd/private");
    return bus;
}

Result<BusConnection> connect_system_bus() {
    sd_bus* raw = nullptr;
    if (const int r = sd_bus_open_system(&raw); r < 0) return fail(-r, "the system bus");
    return BusConnection(raw);
}

// The bus's error name and message if it sent one, else errno's text: what a log line shows.
Error bus_failure(int r, const sd_bus_error& error, std::string context) {
    if (sd_bus_error_is_set(&error)) {
        context += std::string(": ") + error.name;
        if (error.message != nullptr) context += std::string(" (") + error.message + ")";
    }
    return Error{-r, std::move(context)};
}

} // namespace

Result<BusConnection> connect_to_systemd() {
    Result<BusConnection> bus = fail(ENOENT, "not root");
    std::string tried;
    if (geteuid() == 0) {
        bus = connect_private();
        if (!bus) tried = bus.error().message() + "; ";
    }
    if (!bus) {
        bus = connect_system_bus();
        if (!bus)
            return fail(bus.error().errno_value,
                        "connect to systemd: " + tried + bus.error().context);
    }
    sd_bus_set_method_call_timeout(bus->get(), kMethodTimeoutUs);
    return bus;
}

Result<std::vector<UnitState>>
SystemdUnitLister::list_units(std::span<const std::string> patterns) {
    auto bus = connect_to_systemd();
    if (!bus) return std::unexpected(bus.error());

    sd_bus_message* raw_call = nullptr;
    int r = sd_bus_message_new_method_call(
        bus->get(), &raw_call, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
        "org.freedesktop.systemd1.Manager", "ListUnitsByPatterns");
    if (r < 0) return fail(-r, "ListUnitsByPatterns: build the call");
    Message call(raw_call);
    // Every state: which of them means "running" is the caller's decision.
    r = sd_bus_message_append(call.get(), "as", 0);
    if (r >= 0) r = sd_bus_message_open_container(call.get(), 'a', "s");
    for (const auto& pattern : patterns)
        if (r >= 0) r = sd_bus_message_append_basic(call.get(), 's', pattern.c_str());
    if (r >= 0) r = sd_bus_message_close_container(call.get());
    if (r < 0) return fail(-r, "ListUnitsByPatterns: build the call");

    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* raw_reply = nullptr;
    r = sd_bus_call(bus->get(), call.get(), 0, &error, &raw_reply);
    Message reply(raw_reply);
    if (r < 0) {
        Error failure = bus_failure(r, error, "ListUnitsByPatterns");
        sd_bus_error_free(&error);
        return std::unexpected(failure);
    }

    std::vector<UnitState> units;
    r = sd_bus_message_enter_container(reply.get(), 'a', "(ssssssouso)");
    while (r >= 0) {
        const char* name = nullptr;
        const char* active = nullptr;
        const char* sub = nullptr;
        const char* ignored = nullptr;
        uint32_t job_id = 0;
        r = sd_bus_message_read(reply.get(), "(ssssssouso)", &name, &ignored, &ignored, &active,
                                &sub, &ignored, &ignored, &job_id, &ignored, &ignored);
        if (r <= 0) break;
        units.push_back({name, active, sub});
    }
    if (r < 0) return fail(-r, "ListUnitsByPatterns: read the reply");
    return units;
}

Status SystemdUnitRestarter::try_restart(std::string_view unit) {
    // PID 1's private socket first: minimal images have no dbus-daemon.
    auto bus = connect_to_systemd();
    if (!bus) return std::unexpected(bus.error());
    const std::string name(unit);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* raw_reply = nullptr;
    const int r =
        sd_bus_call_method(bus->get(), "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "TryRestartUnit", &error, &raw_reply,
                           "ss", name.c_str(), "replace");
    const Message reply(raw_reply);
    const std::string detail = error.message != nullptr ? std::string(": ") + error.message : "";
    const bool no_such_unit = sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit");
    sd_bus_error_free(&error);
    if (no_such_unit) return fail(ENOENT, "no unit " + name);
    if (r < 0) return fail(-r, "restart " + name + detail);
    return {};
}

std::string unit_from_cgroup(std::string_view proc_cgroup) {
    // Lines are "hierarchy-ID:controllers:path": "0::/system.slice/chrony.service" (v2),
    // "1:name=systemd:/system.slice/chrony.service" (v1).
    std::string_view path;
    while (!proc_cgroup.empty()) {
        const auto end = proc_cgroup.find('\n');
        std::string_view line = proc_cgroup.substr(0, end);
        proc_cgroup =
            end == std::string_view::npos ? std::string_view{} : proc_cgroup.substr(end + 1);
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        const std::string_view id = line.substr(0, first);
        const std::string_view controllers = line.substr(first + 1, second - first - 1);
        if ((id == "0" && controllers.empty()) || controllers == "name=systemd") {
            path = line.substr(second + 1);
            if (id == "0") break; // the unified hierarchy wins
        }
    }
    while (!path.empty()) {
        while (path.starts_with('/'))
            path.remove_prefix(1);
        const std::string_view component = path.substr(0, path.find('/'));
        if (component.empty()) break;
        if (!component.ends_with(".slice")) return std::string(component);
        path.remove_prefix(component.size());
    }
    return {};
}

} // namespace guestclock
