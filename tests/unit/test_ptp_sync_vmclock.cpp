#include "tests/unit/ptp_sync_rig.h"

using namespace guestclock;

// Under a real event loop: the watch's own timer reads the page; sync's ticks write the
// textfile. There is no PHC here at all: the disruption is seen whichever clock is followed.
TEST_CASE("sync: a vmclock disruption is seen on the watch's own wake-ups and counted",
          "[ptp_kvm_helper][sync][vmclock]") {
    SyncRig rig;
    rig.unplug_phc("ptp0"); // sync waits for it
    rig.finder.devices.push_back({"misc",
                                  "vmclock0",
                                  "/sys/devices/virtual/misc/vmclock0",
                                  "/dev/vmclock0",
                                  "",
                                  {},
                                  {},
                                  {}});
    SyncService& service = rig.start();
    rig.attach();
    rig.vmclock.page.disruption_marker = 2; // the revert, after the watch took its baseline

    int ticks = 0;
    bool counted = false;
    auto timer = rig.loop->add_periodic(50 * kNsPerMs, [&] {
        service.tick();
        counted = rig.textfile().find("guestclock_ptp_kvm_sync_disruptions_total 1\n") !=
                  std::string::npos;
        // A bound for failure, not a timing: the watch reads the page every 250 ms.
        if (counted || ++ticks == 200) rig.loop->exit(0);
    });
    REQUIRE(timer);
    REQUIRE(rig.loop->run());
    REQUIRE(counted);
    REQUIRE(rig.vmclock.reads >= 2);
    REQUIRE_THAT(rig.textfile(),
                 Catch::Contains("guestclock_ptp_kvm_sync_last_disruption_timestamp_seconds"));
    // Without a PHC nothing was corrected: a disruption alone never moves the clock.
    REQUIRE(rig.adjuster.steps.empty());
    REQUIRE(rig.adjuster.slews.empty());
}
