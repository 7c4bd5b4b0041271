// What systemd knows about its units, over sd-bus, and the restarts we ask of it. The units are
// the second source, beside /proc, of which time daemons run: ProtectProc=invisible can hide
// another user's or a more privileged process from /proc, but not from PID 1. Behind narrow
// interfaces so that tests use fakes (tests/fakes/fake_unit_lister.h, fake_unit_restarter.h).
#pragma once

#include "common/result.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <systemd/sd-bus.h>
#include <vector>

namespace guestclock {

struct UnitState {
    std::string name;         // "chrony.service", "phc2sys@eth0.service"
    std::string active_state; // "active", "activating", "reloading", "inactive", "failed", ...
    std::string sub_state;    // "running", "start", "auto-restart", "dead", ...
};

class UnitLister {
  public:
    virtual ~UnitLister() = default;
    // The units systemd has loaded whose names match any of the shell-style patterns
    // ("phc2sys@*.service"), in any state. Fails when there is no systemd to ask.
    virtual Result<std::vector<UnitState>> list_units(std::span<const std::string> patterns) = 0;
};

// The real one: asks PID 1 (ListUnitsByPatterns) through connect_to_systemd().
class SystemdUnitLister final : public UnitLister {
  public:
    Result<std::vector<UnitState>> list_units(std::span<const std::string> patterns) override;
};

// Restarts units, so that a daemon rereads its configuration.
class UnitRestarter {
  public:
    virtual ~UnitRestarter() = default;
    // TryRestartUnit: restarts the unit only if it runs. Fails when there is no systemd to ask
    // or the unit does not exist (ENOENT).
    virtual Status try_restart(std::string_view unit) = 0;
};

// The real one: asks PID 1 through connect_to_systemd().
class SystemdUnitRestarter final : public UnitRestarter {
  public:
    Status try_restart(std::string_view unit) override;
};

struct BusUnref {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusConnection = std::unique_ptr<sd_bus, BusUnref>;

// A connection on which org.freedesktop.systemd1 answers. As root: PID 1's private socket
// (/run/systemd/private), as systemctl does, which needs no dbus-daemon (minimal images have
// none); else, or when that fails, the system bus. Method calls on it time out after 2 s, so a
// busy PID 1 delays a clock correction by no more than that. Fails (with the last errno) when
// neither is there: no systemd, as under the VM tier's busybox init.
Result<BusConnection> connect_to_systemd();

// The unit a /proc/PID/cgroup text names ("ptp-kvm-sync.service" for
// "0::/system.slice/ptp-kvm-sync.service"): the first path component that is not a slice, as
// systemd reads it; the unified hierarchy's line, else cgroup v1's name=systemd one. Empty when
// there is none (no systemd, or the root cgroup).
std::string unit_from_cgroup(std::string_view proc_cgroup);

} // namespace guestclock
