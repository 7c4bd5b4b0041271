#include "ptp_kvm_helper/sync_service.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_vmclock_view.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

using namespace guestclock;

// Under a real event loop: the watch's own timer reads the page; sync's ticks write the
// textfile. There is no PHC here at all: the disruption is seen whichever clock is followed.
TEST_CASE("sync: a vmclock disruption is seen on the watch's own wake-ups and counted",
          "[ptp_kvm_helper][sync][vmclock]") {
    TempDir dir;
    SyncOptions options;
    options.device = (dir.path() / "ptp9").string(); // absent: sync waits for it
    options.prometheus = (dir.path() / "sync.prom").string();
    FakeClockAdjuster adjuster;
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    SyncService service(options, TimeEvidence{}, adjuster, **daemon);
    REQUIRE(service.start());
    FakeDeviceFinder finder;
    finder.devices.push_back({"misc",
                              "vmclock0",
                              "/sys/devices/virtual/misc/vmclock0",
                              "/dev/vmclock0",
                              "",
                              {},
                              {},
                              {}});
    FakeVmclock vmclock;
    REQUIRE(service.watch_vmclock(finder, FakeVmclockView::opener(vmclock), nullptr));
    vmclock.page.disruption_marker = 2; // the revert, after the watch took its baseline

    int ticks = 0;
    bool counted = false;
    auto timer = (*daemon)->add_periodic(50 * kNsPerMs, [&] {
        service.tick();
        counted =
            read_file(options.prometheus).find("guestclock_ptp_kvm_sync_disruptions_total 1\n") !=
            std::string::npos;
        // A bound for failure, not a timing: the watch reads the page every 250 ms.
        if (counted || ++ticks == 200) (*daemon)->exit(0);
    });
    REQUIRE(timer);
    REQUIRE((*daemon)->run());
    REQUIRE(counted);
    REQUIRE(vmclock.reads >= 2);
    REQUIRE_THAT(read_file(options.prometheus),
                 Catch::Contains("guestclock_ptp_kvm_sync_last_disruption_timestamp_seconds"));
    // Without a PHC nothing was corrected: a disruption alone never moves the clock.
    REQUIRE(adjuster.steps.empty());
    REQUIRE(adjuster.slews.empty());
}
