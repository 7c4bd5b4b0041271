#include "common/vmclock_watch.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_vmclock.h"
#include "tests/unit/log_capture.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace guestclock;

namespace {

// The watch owns what it opens; this hands it a view of a fake the test keeps changing.
class VmclockView final : public Vmclock {
  public:
    explicit VmclockView(FakeVmclock& fake) : fake_(fake) {}
    const std::string& path() const override { return fake_.path(); }
    Result<VmclockPage> read() override { return fake_.read(); }
    int notify_fd() const override { return fake_.notify_fd(); }

  private:
    FakeVmclock& fake_;
};

struct WatchRig {
    FakeDeviceFinder finder;
    FakeVmclock vmclock;
    int opens = 0;
    std::optional<int> open_errno;
    std::vector<VmclockDisruption> seen;
    VmclockWatch watch{finder,
                       [this](const std::string& path) -> Result<std::unique_ptr<Vmclock>> {
                           if (open_errno) return fail(*open_errno, "open " + path);
                           ++opens;
                           return std::make_unique<VmclockView>(vmclock);
                       },
                       [this](const VmclockDisruption& d) { seen.push_back(d); }};

    WatchRig() { finder.devices.push_back(misc("vmclock0")); }

    static DeviceInfo misc(const std::string& sysname) {
        return {"misc", sysname, "/sys/devices/virtual/misc/" + sysname, "/dev/" + sysname, "", {},
                {},     {}};
    }
};

} // namespace

TEST_CASE("vmclock watch: a changed marker is one disruption, reported once", "[vmclock_watch]") {
    WatchRig rig;
    rig.watch.check();
    REQUIRE(rig.watch.has_device());
    REQUIRE(rig.seen.empty()); // the first reading is the baseline
    rig.watch.check();
    REQUIRE(rig.seen.empty());

    rig.vmclock.page.disruption_marker = 2;
    rig.watch.check();
    REQUIRE(rig.seen.size() == 1);
    REQUIRE(rig.seen[0].marker_before == 1);
    REQUIRE(rig.seen[0].marker_now == 2);
    REQUIRE_FALSE(rig.seen[0].restored());
    REQUIRE_THAT(rig.seen[0].describe(),
                 Catch::Contains("/dev/vmclock0: disruption_marker 1 -> 2"));
    rig.watch.check();
    REQUIRE(rig.seen.size() == 1);
    REQUIRE(rig.watch.disruptions() == 1);
}

TEST_CASE("vmclock watch: a generation change alone says snapshot restore", "[vmclock_watch]") {
    WatchRig rig;
    rig.vmclock.page.vm_generation_counter = 7;
    rig.watch.check();
    rig.vmclock.page.vm_generation_counter = 8;
    rig.watch.check();
    REQUIRE(rig.seen.size() == 1);
    REQUIRE(rig.seen[0].restored());
    REQUIRE_THAT(rig.seen[0].describe(), Catch::Contains("(snapshot restore)"));
}

TEST_CASE("vmclock watch: a marker going back is said plainly and still only measured",
          "[vmclock_watch]") {
    WatchRig rig;
    rig.vmclock.page.disruption_marker = 5;
    rig.watch.check();
    rig.vmclock.page.disruption_marker = 3;
    rig.watch.check();
    REQUIRE(rig.seen.size() == 1);
    REQUIRE(rig.seen[0].marker_went_back());
    REQUIRE_THAT(rig.seen[0].describe(), Catch::Contains("went back"));
}

TEST_CASE("vmclock watch: a page that cannot be read is no disruption, and is said once",
          "[vmclock_watch]") {
    LogCapture log;
    WatchRig rig;
    rig.watch.check();
    rig.vmclock.read_errno = EAGAIN; // the host stuck mid-update
    rig.vmclock.page.disruption_marker = 9;
    rig.watch.check();
    rig.watch.check();
    REQUIRE(rig.seen.empty());
    REQUIRE(log.count("not trusted") == 1);
    rig.vmclock.read_errno = EINVAL; // then garbage: wrong magic
    rig.watch.check();
    REQUIRE(rig.seen.empty());
    // Readable again, with a new marker: that is a disruption (it happened meanwhile).
    rig.vmclock.read_errno.reset();
    rig.watch.check();
    REQUIRE(rig.seen.size() == 1);
    REQUIRE(log.count("is readable again") == 1);
}

TEST_CASE("vmclock watch: the device vanishes and returns through udev", "[vmclock_watch]") {
    LogCapture log;
    WatchRig rig;
    rig.watch.check();
    REQUIRE(rig.opens == 1);
    rig.vmclock.queued_errnos.push_back(ENODEV);
    rig.watch.check();
    REQUIRE_FALSE(rig.watch.has_device());
    REQUIRE(log.count("watching for a vmclock device to return") == 1);
    rig.watch.check(); // no udev event yet: no enumeration every second
    REQUIRE(rig.opens == 1);
    REQUIRE(rig.finder.calls == 1);

    rig.watch.device_event({"add", "rtc0", "/dev/rtc0"}); // not ours
    rig.watch.check();
    REQUIRE(rig.opens == 1);
    rig.vmclock.page.disruption_marker = 2; // migrated while away
    rig.watch.device_event({"add", "vmclock0", "/dev/vmclock0"});
    rig.watch.check();
    REQUIRE(rig.opens == 2);
    REQUIRE(rig.seen.size() == 1);

    rig.watch.device_event({"remove", "vmclock0", "/dev/vmclock0"});
    REQUIRE_FALSE(rig.watch.has_device());
}

TEST_CASE("vmclock watch: no device, or one that cannot be opened, changes nothing",
          "[vmclock_watch]") {
    WatchRig rig;
    rig.finder.devices.clear();
    rig.watch.check();
    rig.watch.check();
    REQUIRE_FALSE(rig.watch.has_device());
    REQUIRE(rig.finder.calls == 1);

    WatchRig denied;
    denied.open_errno = EACCES;
    denied.watch.check();
    REQUIRE_FALSE(denied.watch.has_device());
    REQUIRE(denied.seen.empty());
}

TEST_CASE("vmclock watch: a page caught mid-update at open is tried again, others wait for udev",
          "[vmclock_watch]") {
    WatchRig busy;
    busy.open_errno = EAGAIN;
    busy.watch.check();
    REQUIRE_FALSE(busy.watch.has_device());
    busy.open_errno.reset();
    busy.watch.check();
    REQUIRE(busy.watch.has_device());

    WatchRig denied;
    denied.open_errno = EACCES;
    denied.watch.check();
    denied.open_errno.reset();
    denied.watch.check();
    REQUIRE_FALSE(denied.watch.has_device());
    denied.watch.device_event({"add", "vmclock0", "/dev/vmclock0"});
    denied.watch.check();
    REQUIRE(denied.watch.has_device());
}
