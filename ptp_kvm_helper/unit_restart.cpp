#include "ptp_kvm_helper/unit_restart.h"

#include "common/systemd_units.h"

#include <string>
#include <systemd/sd-bus.h>

namespace guestclock {

Status try_restart_unit(std::string_view unit) {
    // PID 1's private socket first: minimal images have no dbus-daemon.
    auto bus = connect_to_systemd();
    if (!bus) return std::unexpected(bus.error());
    const std::string name(unit);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const int r =
        sd_bus_call_method(bus->get(), "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "TryRestartUnit", &error, &reply,
                           "ss", name.c_str(), "replace");
    sd_bus_message_unref(reply);
    const std::string detail = error.message != nullptr ? std::string(": ") + error.message : "";
    const bool no_such_unit = sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit");
    sd_bus_error_free(&error);
    if (no_such_unit) return fail(ENOENT, "no unit " + name);
    if (r < 0) return fail(-r, "restart " + name + detail);
    return {};
}

} // namespace guestclock
