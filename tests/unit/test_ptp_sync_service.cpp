#include "tests/unit/notify_socket.h"
#include "tests/unit/ptp_sync_rig.h"

#include <csignal>

using namespace guestclock;

namespace {

// Below the 1 ms step threshold, above the 20 us one that applies when the rate is first known.
constexpr Nanoseconds kSmallOffset = 200 * kNsPerUs;

// Two updates learn the rate and step the offset away; the fake adjuster does not move the
// fake clock, so the step's effect is modelled by zeroing the offset.
void lock(SyncRig& rig) {
    rig.phc.ahead_of_system_ns = 5 * kNsPerMs;
    rig.ticks(2);
    REQUIRE(rig.service->metrics().state == SyncState::locked);
    REQUIRE(rig.adjuster.steps.back() == 5 * kNsPerMs);
    rig.phc.ahead_of_system_ns = 0;
}

} // namespace

TEST_CASE("sync holds while its PHC is gone and follows it back under another index",
          "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    SyncService& service = rig.start();
    lock(rig);
    REQUIRE(rig.opened == std::vector<std::string>{rig.devnode("ptp0")});

    service.on_device_event(rig.unplug_phc("ptp0"));
    rig.ticks(3);
    REQUIRE(service.metrics().state == SyncState::waiting_for_phc);
    REQUIRE(rig.opened.size() == 1);
    REQUIRE(rig.adjuster.steps.size() == 1);
    REQUIRE_THAT(rig.textfile(), Catch::Contains("state=\"waiting_for_phc\"} 1"));

    // ptp_kvm loaded again: its clock is ptp1 now, and the servo starts over on it.
    rig.plug_phc("ptp1");
    rig.phc.ahead_of_system_ns = 3 * kNsPerMs;
    service.on_device_event({"add", "ptp1", rig.devnode("ptp1")});
    rig.ticks(1);
    REQUIRE(rig.opened.back() == rig.devnode("ptp1"));
    REQUIRE(service.metrics().state == SyncState::acquiring);
    rig.ticks(1);
    REQUIRE(rig.adjuster.steps == std::vector<Nanoseconds>{5 * kNsPerMs, 3 * kNsPerMs});
}

TEST_CASE("sync drops a PHC that answers ENODEV and opens it afresh", "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    SyncService& service = rig.start();
    lock(rig);
    rig.phc.precise_errno = rig.phc.extended_errno = rig.phc.basic_errno = ENODEV;
    rig.ticks(1);
    REQUIRE(service.metrics().state == SyncState::holdover);
    REQUIRE(rig.opened.size() == 1);
    rig.phc.precise_errno = rig.phc.extended_errno = rig.phc.basic_errno = std::nullopt;
    rig.ticks(1);
    REQUIRE(rig.opened.size() == 2); // not the dead handle: a new one
    REQUIRE(service.metrics().state == SyncState::acquiring);
}

TEST_CASE("a busy PHC costs an update at most, and keeps its handle", "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    SyncService& service = rig.start();
    lock(rig);
    const auto frequencies = rig.adjuster.frequencies_ppb.size();

    // Busy for a moment: retried within the update.
    rig.phc.busy_errnos = {EBUSY, EBUSY};
    rig.ticks(1);
    REQUIRE(service.metrics().state == SyncState::locked);
    REQUIRE(rig.adjuster.frequencies_ppb.size() == frequencies + 1);

    // Busy for longer: the update is skipped, nothing is changed, the device stays open.
    rig.phc.precise_errno = EBUSY;
    rig.ticks(2);
    REQUIRE(service.metrics().state == SyncState::holdover);
    REQUIRE(rig.adjuster.frequencies_ppb.size() == frequencies + 1);
    rig.phc.precise_errno.reset();
    rig.ticks(1);
    REQUIRE(service.metrics().state == SyncState::locked);
    REQUIRE(rig.opened.size() == 1);

    // Busy when opened: waited for like a missing one.
    SyncRig busy;
    busy.open_errno = EBUSY;
    SyncService& waiting = busy.start();
    busy.ticks(2);
    REQUIRE(waiting.metrics().state == SyncState::waiting_for_phc);
    busy.open_errno.reset();
    busy.ticks(1);
    REQUIRE(busy.opened.size() == 1);
}

TEST_CASE("an EIO PHC holds the frequency, then the clock is marked unsynchronised",
          "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    NotifySocket notify(rig.root / "notify");
    SyncService& service = rig.start();
    lock(rig);
    REQUIRE_THAT(notify.received(),
                 Catch::Contains("READY=1") && Catch::Contains("STATUS=system minus PHC"));
    const auto adjusted = rig.adjuster;

    rig.phc.precise_errno = EIO;
    rig.ticks(9);
    REQUIRE(service.metrics().state == SyncState::holdover);
    REQUIRE_THAT(rig.textfile(), Catch::Contains("state=\"holdover\"} 1"));
    REQUIRE_THAT(notify.received(), Catch::Contains("STATUS=holding: "));
    REQUIRE(rig.adjuster.frequencies_ppb == adjusted.frequencies_ppb);
    REQUIRE(rig.adjuster.steps == adjusted.steps);
    REQUIRE(rig.adjuster.sync_statuses.size() == adjusted.sync_statuses.size());
    rig.ticks(1);
    REQUIRE(rig.adjuster.sync_statuses.size() == adjusted.sync_statuses.size() + 1);
    REQUIRE_FALSE(rig.adjuster.sync_statuses.back().synchronized);
    REQUIRE(rig.adjuster.frequencies_ppb == adjusted.frequencies_ppb);

    rig.phc.precise_errno.reset();
    rig.phc.ahead_of_system_ns = kSmallOffset;
    rig.ticks(1);
    REQUIRE(service.metrics().state == SyncState::locked);
    REQUIRE(rig.adjuster.sync_statuses.back().synchronized);
    REQUIRE(rig.opened.size() == 1);
}

TEST_CASE("without any PHC sync says READY after ten updates, unsynchronised",
          "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    rig.unplug_phc("ptp0");
    NotifySocket notify(rig.root / "notify");
    rig.start();
    rig.ticks(9);
    REQUIRE_THAT(notify.received(), !Catch::Contains("READY=1"));
    REQUIRE(rig.adjuster.sync_statuses.empty());
    rig.ticks(1);
    REQUIRE_THAT(notify.received(),
                 Catch::Contains("READY=1") && Catch::Contains("STATUS=no PHC reading yet"));
    REQUIRE(rig.adjuster.sync_statuses.size() == 1);
    REQUIRE_FALSE(rig.adjuster.sync_statuses[0].synchronized);
    REQUIRE(rig.adjuster.steps.empty());
}

TEST_CASE("a vmclock disruption voids the learnt rate and steps even a small offset",
          "[ptp_kvm_helper][sync][vmclock]") {
    SyncRig rig;
    SyncService& service = rig.start();
    lock(rig);
    // Locked, a small offset is steered away, never stepped.
    rig.phc.ahead_of_system_ns = kSmallOffset;
    rig.ticks(1);
    REQUIRE(rig.adjuster.steps.size() == 1);

    service.disrupted();
    REQUIRE(service.metrics().disruptions.count == 1);
    rig.ticks(1);
    REQUIRE(service.metrics().state == SyncState::acquiring);
    rig.ticks(1);
    REQUIRE(rig.adjuster.steps == std::vector<Nanoseconds>{5 * kNsPerMs, kSmallOffset});
    REQUIRE_THAT(rig.textfile(), Catch::Contains("guestclock_ptp_kvm_sync_disruptions_total 1\n"));
}

TEST_CASE("sync will not run beside another time daemon unless forced", "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    rig.options.prometheus.clear();
    rig.options.once = true;
    rig.phc.ahead_of_system_ns = 2 * kNsPerSec;
    rig.dir.write("proc/412/comm", "chronyd\n");
    REQUIRE(run_sync(rig.options, rig.devices) == kExitFindings);
    REQUIRE(rig.adjuster.changed_nothing());
    REQUIRE(rig.opened.empty());

    rig.options.force = true;
    REQUIRE(run_sync(rig.options, rig.devices) == kExitOk);
    REQUIRE(rig.adjuster.steps == std::vector<Nanoseconds>{2 * kNsPerSec});

    // ptp4l alone steers only a PHC, not the system clock.
    SyncRig beside_ptp4l;
    beside_ptp4l.options.prometheus.clear();
    beside_ptp4l.options.once = true;
    beside_ptp4l.dir.write("proc/412/comm", "ptp4l\n");
    REQUIRE(run_sync(beside_ptp4l.options, beside_ptp4l.devices) == kExitOk);
    REQUIRE(beside_ptp4l.opened.size() == 1);
}

TEST_CASE("the textfile says what sync did", "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    rig.phc.ahead_of_system_ns = 5 * kNsPerMs;
    rig.start();
    rig.ticks(1);
    REQUIRE_THAT(rig.textfile(), Catch::Contains("state=\"acquiring\"} 1") &&
                                     Catch::Contains("guestclock_ptp_kvm_sync_steps_total 0\n") &&
                                     !Catch::Contains("guestclock_ptp_kvm_sync_last_step_seconds"));
    rig.ticks(1);
    REQUIRE_THAT(rig.textfile(),
                 Catch::Contains("state=\"locked\"} 1") &&
                     Catch::Contains("guestclock_ptp_kvm_sync_steps_total 1\n") &&
                     Catch::Contains("guestclock_ptp_kvm_sync_last_step_seconds 0.005"));
}

TEST_CASE("under its loop sync feeds the watchdog, shrugs off SIGHUP and hears udev",
          "[ptp_kvm_helper][sync][daemon]") {
    SyncRig rig;
    rig.options.interval_s = 0.01;
    NotifySocket notify(rig.root / "notify");
    setenv("WATCHDOG_USEC", "20000", 1); // Daemon::create arms its watchdog timer from this
    SyncService& service = rig.start();
    unsetenv("WATCHDOG_USEC");
    rig.attach();

    int rounds = 0;
    std::size_t reads_at_hangup = 0;
    std::size_t reads_before_removal = 0;
    std::string sent;
    auto timer = rig.loop->add_periodic(10 * kNsPerMs, [&] {
        ++rounds;
        // Read as they come: a socket holds a few datagrams only (net.unix.max_dgram_qlen),
        // and sd_notify would then block the loop that should be sending the next.
        sent += notify.received();
        if (rounds == 5) {
            reads_at_hangup = rig.phc.calls.size();
            raise(SIGHUP);
        }
        if (rounds == 15) {
            reads_before_removal = rig.phc.calls.size();
            rig.announce(rig.unplug_phc("ptp0"));
        }
        if (rounds == 20) rig.loop->exit(3);
    });
    REQUIRE(timer);
    auto code = rig.loop->run();
    REQUIRE(code);
    REQUIRE(*code == 3); // ended by the test, not by the signal
    REQUIRE(reads_before_removal > reads_at_hangup);
    REQUIRE(rig.ptp_events.events.empty());
    REQUIRE(service.metrics().state == SyncState::waiting_for_phc);
    sent += notify.received();
    REQUIRE_THAT(sent, Catch::Contains("WATCHDOG=1") && Catch::Contains("READY=1"));
}

TEST_CASE("a running sync leaves the clock to a time daemon that starts beside it",
          "[ptp_kvm_helper][sync][daemon]") {
    SyncRig rig;
    rig.options.interval_s = 10; // at this interval it looks at every tick
    rig.phc.ahead_of_system_ns = 2 * kNsPerSec;
    SyncService& service = rig.start();
    service.tick();
    const auto reads = rig.phc.calls.size();
    REQUIRE(reads > 0);
    const auto steps = rig.adjuster.steps;
    const auto frequencies = rig.adjuster.frequencies_ppb;

    rig.dir.write("proc/412/comm", "chronyd\n");
    rig.phc.ahead_of_system_ns = 3 * kNsPerSec;
    service.tick();
    REQUIRE(rig.phc.calls.size() == reads); // not read, not corrected: chronyd's now
    REQUIRE(rig.adjuster.steps == steps);
    REQUIRE(rig.adjuster.frequencies_ppb == frequencies);
    // It asked its loop to end with 0 (Restart=on-failure must not start it again); a test
    // timer ends the loop with 99 should it not have.
    auto guard = rig.loop->add_periodic(50 * kNsPerMs, [&] { rig.loop->exit(99); });
    REQUIRE(guard);
    auto code = rig.loop->run();
    REQUIRE(code);
    REQUIRE(*code == 0);
}

TEST_CASE("with --force a running sync keeps the clock beside a new time daemon",
          "[ptp_kvm_helper][sync]") {
    SyncRig rig;
    rig.options.interval_s = 10;
    rig.options.force = true;
    SyncService& service = rig.start();
    service.tick();
    const auto reads = rig.phc.calls.size();
    rig.dir.write("proc/412/comm", "chronyd\n");
    service.tick();
    REQUIRE(rig.phc.calls.size() > reads);
}
