// `ptp_kvm_helper sync` on fakes: a PHC the test moves and breaks, devices udev lists and takes
// away, a recording clock adjuster, and files below a scratch root. Tests drive the service's
// handlers one by one, or attach it to a real event loop.
#pragma once

#include "ptp_kvm_helper/sync_service.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_device_monitor.h"
#include "tests/fakes/fake_module_loader.h"
#include "tests/fakes/fake_phc_view.h"
#include "tests/fakes/fake_unit_restarter.h"
#include "tests/fakes/fake_vmclock_view.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/eventfd.h>
#include <unistd.h>
#include <vector>

namespace guestclock {

struct SyncRig {
    TempDir dir;
    std::filesystem::path root = std::filesystem::canonical(dir.path());
    FakeDeviceFinder finder;
    FakePhc phc;                   // whichever PHC is present answers from this model
    std::optional<int> open_errno; // opens fail with it while set
    std::vector<std::string> opened;
    FakeClockAdjuster adjuster;
    SystemFiles files{root};
    FakeModuleLoader modules;
    FakeUnitRestarter units;
    FakeVmclock vmclock;
    PtpDevices devices{
        .finder = finder,
        .open_phc = [this](const std::string& path) -> Result<std::unique_ptr<Phc>> {
            if (open_errno) return fail(*open_errno, "open " + path);
            opened.push_back(path);
            return std::make_unique<FakePhcView>(phc, path);
        },
        .adjuster = adjuster,
        .files = files,
        .modules = modules,
        .units = units,
        .open_monitor = [](std::string_view subsystem) -> Result<std::unique_ptr<DeviceMonitor>> {
            return fail(EAFNOSUPPORT, "no udev here for " + std::string(subsystem));
        },
        .open_vmclock = FakeVmclockView::opener(vmclock)};
    FakeDeviceMonitor ptp_events;
    FileDescriptor ptp_pending{eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)}; // readable: events queued
    SyncOptions options;
    std::unique_ptr<Daemon> loop;
    std::unique_ptr<SyncService> service;

    SyncRig() {
        phc.system_ns = now_ns(CLOCK_REALTIME); // after the build date, which sync_once checks
        plug_phc("ptp0");
        options.prometheus = (root / "sync.prom").string();
    }

    // The only PHC udev lists is now a KVM one at root/name.
    void plug_phc(const std::string& name) {
        dir.write(name, "");
        finder.devices = {{"ptp",
                           name,
                           "/sys/devices/virtual/ptp/" + name,
                           devnode(name),
                           "",
                           {},
                           {{"clock_name", "KVM virtual PTP"}},
                           {}}};
    }
    // No PHC any more, and udev says so.
    DeviceEvent unplug_phc(const std::string& name) {
        std::filesystem::remove(root / name);
        finder.devices.clear();
        return {"remove", name, devnode(name)};
    }
    std::string devnode(const std::string& name) const { return (root / name).string(); }

    SyncService& start() {
        auto created = Daemon::create();
        REQUIRE(created);
        loop = std::move(*created);
        // A build a month before the PHC's time: its readings lie inside the plausible window.
        const TimeEvidence evidence{.build_date = phc.system_ns - 30 * 86'400 * kNsPerSec};
        service = std::make_unique<SyncService>(devices, options, evidence, *loop);
        REQUIRE(service->start());
        return *service;
    }

    // Under the loop started with start(): its timer, clock sets, vmclock and ptp_events.
    void attach() {
        ptp_events.event_fd = ptp_pending.get();
        ptp_events.on_event = [this](const DeviceEvent&) {
            std::uint64_t count = 0;
            CHECK(read(ptp_pending.get(), &count, sizeof count) == sizeof count);
        };
        REQUIRE(service->attach(ptp_events));
    }
    // udev sends event: the loop wakes and hands it to the service.
    void announce(DeviceEvent event) {
        ptp_events.events.push_back(std::move(event));
        const std::uint64_t one = 1;
        CHECK(write(ptp_pending.get(), &one, sizeof one) == sizeof one);
    }

    void ticks(int count) {
        for (int i = 0; i < count; ++i)
            service->tick();
    }

    std::string textfile() const { return read_file(options.prometheus); }
};

} // namespace guestclock
