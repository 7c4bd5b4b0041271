#include "common/plausible_time.h"
#include "common/rtc_calendar.h"
#include "rtc_resync/commands.h"
#include "rtc_resync/exit_codes.h"
#include "rtc_resync/resync_daemon.h"
#include "tests/fakes/fake_chrony_control.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_rtc.h"
#include "tests/fakes/fake_vmclock_view.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace guestclock;

namespace {

Nanoseconds abs_ns(Nanoseconds ns) {
    return ns < 0 ? -ns : ns;
}

// A guest whose true time is a month after this build, with a fake RTC, clocks and adjuster,
// and a fixture root for /etc, /proc and the state directory.
struct FakeGuest {
    TempDir root;
    SystemFiles files{root.path()};
    FakeTimebase timebase;
    FakeRtc rtc{timebase};
    FakeClockAdjuster adjuster;
    ResyncSettings settings;
    std::ostringstream out;

    FakeGuest() {
        timebase.epoch_offset = build_date_ns() + 30 * 86400 * kNsPerSec - timebase.monoraw;
    }

    ResyncMachine machine() {
        return {rtc, SelectedRtc{"/dev/rtc0", {"rtc0", "rtc_cmos"}}, timebase, adjuster, files};
    }
    int once(bool dry_run = false) {
        auto m = machine();
        return run_once(m, settings, {true, dry_run}, out);
    }
    int status() {
        auto m = machine();
        return run_status(m, settings, {true, false}, out);
    }
    bool last_good_written() const {
        return files.exists("/var/lib/guestclock/" + std::string(kLastGoodFile));
    }
};

} // namespace

TEST_CASE("once steps a clock 37 s off back onto the RTC and remembers the time",
          "[rtc_resync][once]") {
    for (Nanoseconds error : {37 * kNsPerSec, -37 * kNsPerSec}) {
        FakeGuest guest;
        guest.timebase.realtime_error = error;
        REQUIRE(guest.once() == kExitOk);
        REQUIRE(guest.adjuster.steps.size() == 1);
        REQUIRE(abs_ns(guest.adjuster.steps[0] + error) < 100 * kNsPerUs);
        REQUIRE(guest.adjuster.slews.empty());
        REQUIRE(guest.last_good_written());
        REQUIRE_THAT(guest.out.str(), Catch::Contains("\"action\": \"step\""));
        REQUIRE_THAT(guest.out.str(), Catch::Contains("\"applied\": true"));
    }
}

TEST_CASE("once slews a small offset and a dry run changes nothing", "[rtc_resync][once]") {
    FakeGuest guest;
    guest.timebase.realtime_error = 3 * kNsPerMs;
    REQUIRE(guest.once(true) == kExitOk);
    REQUIRE(guest.adjuster.changed_nothing());
    REQUIRE_FALSE(guest.last_good_written());
    REQUIRE_THAT(guest.out.str(), Catch::Contains("\"applied\": false"));
    REQUIRE(guest.once() == kExitOk);
    REQUIRE(guest.adjuster.slews.size() == 1);
    REQUIRE(abs_ns(guest.adjuster.slews[0] + 3 * kNsPerMs) < 100 * kNsPerUs);
}

TEST_CASE("status measures and changes nothing", "[rtc_resync][status]") {
    FakeGuest guest;
    guest.timebase.realtime_error = 37 * kNsPerSec;
    REQUIRE(guest.status() == kExitOk);
    REQUIRE(guest.adjuster.changed_nothing());
    const std::string json = guest.out.str();
    for (const char* key :
         {"\"device\": \"/dev/rtc0\"", "\"rtc_name\": \"rtc_cmos\"", "\"offset_ns\": 370",
          "\"uncertainty_ns\"", "\"method\": \"uie\"", "\"samples\": 3"})
        REQUIRE_THAT(json, Catch::Contains(key));
}

TEST_CASE("a bogus RTC never moves the clock: 1970, 2000, after the last good time",
          "[rtc_resync][once]") {
    FakeGuest guest;
    SECTION("RTC reset to 2000") {
        guest.rtc.rtc_error = 946'684'800LL * kNsPerSec - guest.timebase.true_time();
        REQUIRE(guest.once() == kExitBeforeFloor);
    }
    SECTION("RTC reset to the epoch") {
        guest.rtc.rtc_error = -guest.timebase.true_time() + 5 * kNsPerSec;
        REQUIRE(guest.once() == kExitBeforeFloor);
    }
    SECTION("RTC earlier than the last time we saw it") {
        guest.root.write("var/lib/guestclock/" + std::string(kLastGoodFile),
                         format_last_good(guest.timebase.true_time() + 3600 * kNsPerSec));
        REQUIRE(guest.once() == kExitBeforeFloor);
        REQUIRE_THAT(guest.out.str(), Catch::Contains("last known good"));
    }
    SECTION("RTC that cannot be read") {
        guest.rtc.read_errno = EIO;
        REQUIRE(guest.once() == kExitRuntime);
    }
    SECTION("RTC with an impossible date") {
        guest.rtc.frozen_time = RtcTime{2026, 13, 1, 0, 0, 0};
        REQUIRE(guest.once() == kExitRuntime);
    }
    REQUIRE(guest.adjuster.changed_nothing());
}

TEST_CASE("an RTC decades ahead never moves a correct clock; --force (no ceiling) does",
          "[rtc_resync][once]") {
    FakeGuest guest;
    const Nanoseconds year_2065 = utc_calendar_to_epoch({2065, 1, 1, 0, 0, 0}) * kNsPerSec;
    guest.rtc.rtc_error = year_2065 - guest.timebase.true_time();
    {
        LogCapture log;
        REQUIRE(guest.once() == kExitBeyondCeiling);
        REQUIRE(guest.adjuster.changed_nothing());
        REQUIRE_FALSE(guest.last_good_written());
        // The journal entry names the bound, how it was derived, and the refusal.
        REQUIRE(log.count("beyond the ceiling") == 1);
        REQUIRE(log.count("the system clock") == 1);
        REQUIRE(log.count("REFUSAL=beyond_ceiling") == 1);
        REQUIRE_THAT(guest.out.str(), Catch::Contains("\"refusal\": \"beyond_ceiling\""));
    }
    SECTION("a ceiling from max_offline after the last good time, the clock itself from 1982") {
        guest.settings.max_offline = 365 * kNsPerDay;
        guest.rtc.rtc_error = 2 * 365 * kNsPerDay;
        guest.timebase.realtime_error =
            utc_calendar_to_epoch({1982, 1, 1, 0, 0, 0}) * kNsPerSec - guest.timebase.true_time();
        LogCapture log;
        REQUIRE(guest.once() == kExitBeyondCeiling);
        REQUIRE(log.count("the build date") == 1);
        REQUIRE(guest.adjuster.changed_nothing());
    }
    SECTION("the operator's override") {
        guest.settings.max_offline.reset(); // once --force, or max_offline = unlimited
        REQUIRE(guest.once() == kExitOk);
        REQUIRE(guest.adjuster.steps.size() == 1);
        REQUIRE(abs_ns(guest.adjuster.steps[0] - guest.rtc.rtc_error) < 100 * kNsPerUs);
    }
}

TEST_CASE("once stands down beside synchronised chronyd but steps a pause", "[rtc_resync][once]") {
    FakeGuest guest;
    guest.root.write("proc/412/comm", "chronyd\n");
    guest.adjuster.state.synchronized = true;
    guest.timebase.realtime_error = 400 * kNsPerMs;
    REQUIRE(guest.once() == kExitOk);
    REQUIRE(guest.adjuster.changed_nothing());
    REQUIRE_THAT(guest.out.str(), Catch::Contains("stand_down"));
    guest.timebase.realtime_error = -10 * kNsPerSec;
    REQUIRE(guest.once() == kExitOk);
    REQUIRE(guest.adjuster.steps.size() == 1);
}

TEST_CASE("once refuses to slew from an RTC the kernel writes back", "[rtc_resync][once]") {
    FakeGuest guest;
    guest.adjuster.state.synchronized = true; // 11-minute mode, no daemon of ours to blame
    guest.timebase.realtime_error = 2 * kNsPerMs;
    REQUIRE(guest.once() == kExitCircularReference);
    REQUIRE(guest.adjuster.changed_nothing());
}

TEST_CASE("the time scale comes from /etc/adjtime unless given", "[rtc_resync][once]") {
    FakeGuest guest;
    guest.rtc.scale = RtcTimeScale::local;
    guest.root.write("etc/adjtime", "0.0 0 0.0\n0\nLOCAL\n");
    REQUIRE(guest.once() == kExitOk);
    REQUIRE_THAT(guest.out.str(), Catch::Contains("\"time_scale\": \"LOCAL\""));
    guest.root.write("etc/adjtime", "0.0 0 0.0\n0\nWHATEVER\n");
    REQUIRE(guest.once() == kExitUsage);
    guest.settings.time_scale = RtcTimeScale::local;
    REQUIRE(guest.once() == kExitOk);
}

namespace {

// Hands the daemon a new handle on one long-lived fake RTC at every open, as the kernel hands
// out a new file descriptor on one device; counts the handles still open.
class FakeRtcHandle final : public Rtc {
  public:
    FakeRtcHandle(FakeRtc& rtc, int& open_handles) : rtc_(rtc), open_handles_(open_handles) {
        ++open_handles_;
    }
    ~FakeRtcHandle() override { --open_handles_; }
    FakeRtcHandle(const FakeRtcHandle&) = delete;
    FakeRtcHandle& operator=(const FakeRtcHandle&) = delete;
    const std::string& path() const override { return rtc_.path(); }
    Result<RtcTime> read_time() override { return rtc_.read_time(); }
    Status enable_update_interrupts() override { return rtc_.enable_update_interrupts(); }
    Status disable_update_interrupts() override { return rtc_.disable_update_interrupts(); }
    Result<bool> wait_for_interrupt(Nanoseconds timeout) override {
        return rtc_.wait_for_interrupt(timeout);
    }

  private:
    FakeRtc& rtc_;
    int& open_handles_;
};

// The daemon's pipeline without an event loop: the test calls its handlers.
struct DaemonRig {
    FakeGuest guest;
    FakeDeviceFinder finder;
    FakeRtc& rtc = guest.rtc;
    std::optional<int> open_errno; // opens fail with it while set (ENOENT: gone; EBUSY: in use)
    int opens = 0;
    int open_handles = 0;
    std::unique_ptr<ResyncDaemon> daemon;

    MetricsFile* metrics = nullptr;
    // With a vmclock device and a chronyd to ask, once with_vmclock() was called.
    bool vmclock_present = false;
    FakeVmclock vmclock;
    FakeChronyControl chrony;

    explicit DaemonRig(MetricsFile* metrics_file = nullptr) : metrics(metrics_file) {
        finder.devices.push_back({"rtc",
                                  "rtc0",
                                  "/sys/devices/pnp0/00:01/rtc/rtc0",
                                  "/dev/rtc0",
                                  "rtc_cmos",
                                  {},
                                  {{"name", "rtc_cmos"}, {"hctosys", "1"}},
                                  {}});
        restart();
    }

    // A new daemon with guest.settings as they are now.
    void restart() {
        ResyncDevices devices{guest.adjuster,
                              guest.timebase,
                              guest.files,
                              finder,
                              [this](const std::string&) -> Result<std::unique_ptr<Rtc>> {
                                  if (open_errno) return fail(*open_errno, "open /dev/rtc0");
                                  ++opens;
                                  return std::make_unique<FakeRtcHandle>(rtc, open_handles);
                              },
                              nullptr,
                              metrics};
        if (vmclock_present) {
            devices.open_vmclock = FakeVmclockView::opener(vmclock);
            devices.chrony = &chrony;
        }
        daemon = std::make_unique<ResyncDaemon>(devices, guest.settings,
                                                [] { return Result<ResyncSettings>{}; });
    }

    void with_vmclock() {
        vmclock_present = true;
        finder.devices.push_back({"misc",
                                  "vmclock0",
                                  "/sys/devices/virtual/misc/vmclock0",
                                  "/dev/vmclock0",
                                  "",
                                  {},
                                  {},
                                  {}});
        restart();
    }

    // A synchronised chronyd beside the daemon, then a restore that left the clock
    // `realtime_error` off: the vmclock marker changes and the daemon sees it.
    void revert_beside_chronyd(Nanoseconds realtime_error) {
        guest.root.write("proc/412/comm", "chronyd\n");
        guest.adjuster.state.synchronized = true;
        with_vmclock();
        daemon->check_vmclock();
        guest.timebase.realtime_error = realtime_error;
        vmclock.page.disruption_marker = 2;
        daemon->check_vmclock();
    }
};

} // namespace

TEST_CASE("the daemon's whole-second check catches a pause and steps once",
          "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.daemon->check(); // clocks agree: nothing to do
    REQUIRE(rig.guest.adjuster.changed_nothing());
    rig.guest.timebase.realtime_error = -10 * kNsPerSec + 300 * kNsPerMs;
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    REQUIRE(abs_ns(rig.guest.adjuster.steps[0] - (10 * kNsPerSec - 300 * kNsPerMs)) < kNsPerMs);
    // The jump path polls one edge: no update interrupts, no stale second to wait out.
    REQUIRE(rig.rtc.uie_enables == 0);
    // The RTC is not held open between uses: only one process may open it at a time.
    REQUIRE(rig.opens == 3); // the quiet check, the jump's check, the jump's measurement
    REQUIRE(rig.open_handles == 0);
    // Our own step echoes back as a clock-set event: ignored once, acted on the next time.
    rig.daemon->clock_was_set();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    rig.daemon->clock_was_set();
    REQUIRE(rig.guest.adjuster.steps.size() == 2);
}

TEST_CASE("the full measurement after a jump steps the quick step's residue",
          "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.timebase.realtime_error = -60 * kNsPerSec;
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    // The fake adjuster does not move the fake clock: model a quick step that left 3 ms.
    rig.guest.timebase.realtime_error = 3 * kNsPerMs;
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.steps.size() == 2);
    REQUIRE(abs_ns(rig.guest.adjuster.steps[1] + 3 * kNsPerMs) < 100 * kNsPerUs);
    // Only once: later small offsets are slewed again.
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.steps.size() == 2);
    REQUIRE(rig.guest.adjuster.slews.size() == 1);
}

TEST_CASE("the daemon slews small offsets and learns the frequency", "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.timebase.realtime_error = 2 * kNsPerMs;
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.slews.size() == 1);
    REQUIRE(rig.guest.adjuster.frequencies_ppb.empty());
    // 60 s later the clock has run 1.5 ms ahead again (25 ppm fast); the fake adjuster does
    // not move the fake clock, so the slew's effect is modelled by resetting the error.
    rig.guest.timebase.monoraw += 60 * kNsPerSec;
    rig.guest.timebase.realtime_error = 1'500 * kNsPerUs;
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.frequencies_ppb.size() == 1);
    // Half (the gain) of 1.5 ms per minute; the interval also holds the first measurement's own
    // second or so of edges, hence the tolerance.
    REQUIRE(rig.guest.adjuster.frequencies_ppb[0] == Approx(-12'500).epsilon(0.03));
    REQUIRE(rig.daemon->last_decision()->action == Action::slew);
}

TEST_CASE("the daemon survives its RTC vanishing and picks it up again", "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.daemon->measure_and_correct();
    rig.rtc.read_errno = ENODEV; // the device went away under us
    rig.daemon->check();
    rig.rtc.read_errno.reset();
    rig.open_errno = ENOENT;
    rig.daemon->check();
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.steps.empty());
    rig.open_errno.reset();
    rig.guest.timebase.realtime_error = 5 * kNsPerSec;
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
}

TEST_CASE("a busy RTC (another reader has it open) skips a round, nothing more",
          "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.timebase.realtime_error = 5 * kNsPerSec;
    rig.open_errno = EBUSY;
    rig.daemon->check();
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.changed_nothing());
    rig.open_errno.reset();
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
}

TEST_CASE("the daemon refuses a bogus RTC in every path", "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.timebase.realtime_error = 0;
    rig.daemon->measure_and_correct();
    rig.rtc.rtc_error = 946'684'800LL * kNsPerSec - rig.guest.timebase.true_time();
    rig.daemon->check(); // a 27-year "jump"
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.steps.empty());
    REQUIRE(rig.daemon->last_decision()->refusal == Refusal::before_floor);
}

TEST_CASE("the daemon rewrites its textfile after each measurement and when the RTC goes",
          "[rtc_resync][daemon][metrics]") {
    TempDir textfiles;
    MetricsFile metrics(textfiles.path() / "guestclock-rtc-resync.prom");
    DaemonRig rig(&metrics);
    const auto content = [&] {
        std::ifstream in(metrics.path());
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    rig.daemon->check(); // clocks agree: no measurement, nothing to write
    REQUIRE_FALSE(std::filesystem::exists(metrics.path()));

    rig.guest.timebase.realtime_error = 5 * kNsPerSec;
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    std::string text = content();
    REQUIRE_THAT(text, Catch::Contains("guestclock_rtc_resync_state{state=\"synchronising\"} 1"));
    REQUIRE_THAT(text,
                 Catch::Contains("guestclock_rtc_resync_corrections_total{action=\"step\"} 1"));
    REQUIRE(rig.daemon->metrics().system_minus_rtc_ns);
    REQUIRE(abs_ns(*rig.daemon->metrics().system_minus_rtc_ns - 5 * kNsPerSec) < kNsPerMs);
    REQUIRE_THAT(text, Catch::Contains("\nguestclock_rtc_resync_offset_seconds "));

    // The 1 s check finds the RTC gone: said at once, not a minute later, and only once.
    rig.rtc.read_errno = ENODEV;
    rig.daemon->check();
    REQUIRE_THAT(content(),
                 Catch::Contains("guestclock_rtc_resync_state{state=\"waiting_for_rtc\"} 1"));
    std::filesystem::remove(metrics.path());
    rig.daemon->check();
    rig.daemon->check();
    REQUIRE_FALSE(std::filesystem::exists(metrics.path()));
    // Each measurement (attempt) rewrites it, so its age tells the daemon is alive.
    rig.daemon->measure_and_correct();
    REQUIRE(std::filesystem::exists(metrics.path()));
}

// One sign end to end: an RTC ahead of the system clock is a negative system-minus-RTC offset in
// the status JSON, the servo's input, the journal field and the textfile; the clock goes forward.
TEST_CASE("an RTC 3 ms ahead reads -3 ms everywhere, and the clock is slewed forward",
          "[rtc_resync][sign]") {
    const auto near_minus_3ms = [](Nanoseconds ns) {
        return abs_ns(ns + 3 * kNsPerMs) < 100 * kNsPerUs;
    };
    FakeGuest guest;
    guest.timebase.realtime_error = -3 * kNsPerMs;
    REQUIRE(guest.status() == kExitOk);
    const auto json = nlohmann::json::parse(guest.out.str());
    REQUIRE(near_minus_3ms(json["offset_ns"].get<Nanoseconds>()));
    REQUIRE(near_minus_3ms(json["edges"][0]["offset_ns"].get<Nanoseconds>()));

    TempDir textfiles;
    MetricsFile metrics(textfiles.path() / "guestclock-rtc-resync.prom");
    DaemonRig rig(&metrics);
    rig.guest.timebase.realtime_error = -3 * kNsPerMs;
    LogCapture log;
    rig.daemon->measure_and_correct();
    REQUIRE(rig.daemon->metrics().system_minus_rtc_ns);
    REQUIRE(near_minus_3ms(*rig.daemon->metrics().system_minus_rtc_ns));
    REQUIRE(log.count("OFFSET_NS=-") == 1);
    std::ifstream in(metrics.path());
    const std::string text(std::istreambuf_iterator<char>(in), {});
    REQUIRE_THAT(text, Catch::Contains("\nguestclock_rtc_resync_offset_seconds -0.00"));
    REQUIRE(rig.guest.adjuster.slews.size() == 1);
    REQUIRE(abs_ns(rig.guest.adjuster.slews[0] - 3 * kNsPerMs) < 100 * kNsPerUs);
}

TEST_CASE("a textfile that cannot be written is logged once and the daemon carries on",
          "[rtc_resync][daemon][metrics]") {
    TempDir textfiles;
    textfiles.write("node-exporter", "a file where the directory should be");
    MetricsFile metrics(textfiles.path() / "node-exporter" / "guestclock-rtc-resync.prom");
    LogCapture log;
    DaemonRig rig(&metrics);
    for (int i = 1; i <= 3; ++i) {
        rig.guest.timebase.realtime_error = i * kNsPerSec;
        rig.daemon->measure_and_correct();
        REQUIRE(rig.guest.adjuster.steps.size() == static_cast<size_t>(i));
    }
    REQUIRE(log.count("cannot write metrics") == 1);
}

TEST_CASE("beside a synchronised daemon a jump is left to it for its grace, then stepped",
          "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.root.write("proc/412/comm", "chronyd\n");
    rig.guest.adjuster.state.synchronized = true;
    rig.guest.timebase.realtime_error = -30 * kNsPerSec + 300 * kNsPerMs;
    // Longer than the fake RTC's reads take, so that only the test's own waits end it.
    rig.guest.settings.daemon_grace = 10 * kNsPerSec;
    rig.restart();

    SECTION("the daemon corrects the jump within its grace: we never step") {
        rig.daemon->check();
        rig.guest.timebase.monoraw += kNsPerSec;
        rig.daemon->check();
        rig.daemon->measure_and_correct(); // the periodic measurement waits too
        REQUIRE(rig.daemon->last_decision()->action == Action::stand_down);
        REQUIRE_THAT(rig.daemon->last_decision()->reason, Catch::Contains("grace"));
        rig.guest.timebase.realtime_error = 400 * kNsPerMs; // chronyd stepped onto its PHC
        rig.daemon->clock_was_set();
        rig.guest.timebase.monoraw += 20 * kNsPerSec;
        rig.daemon->check();
        REQUIRE(rig.guest.adjuster.steps.empty());
        REQUIRE(rig.guest.adjuster.slews.empty());
    }
    SECTION("the daemon leaves the jump: we step once the grace is over") {
        rig.daemon->check();
        rig.guest.timebase.monoraw += kNsPerSec;
        rig.daemon->check();
        REQUIRE(rig.guest.adjuster.steps.empty());
        rig.guest.timebase.monoraw += 10 * kNsPerSec;
        rig.daemon->check();
        REQUIRE(rig.guest.adjuster.steps.size() == 1);
        REQUIRE(abs_ns(rig.guest.adjuster.steps[0] - (30 * kNsPerSec - 300 * kNsPerMs)) < kNsPerMs);
    }
    SECTION("a grace of zero steps at once") {
        rig.guest.settings.daemon_grace = 0;
        rig.restart();
        rig.daemon->check();
        REQUIRE(rig.guest.adjuster.steps.size() == 1);
    }
}

TEST_CASE("a vmclock disruption is measured and stepped at once, however small",
          "[rtc_resync][daemon][vmclock]") {
    DaemonRig rig;
    rig.with_vmclock();
    rig.daemon->check_vmclock(); // the page's first reading is the baseline
    REQUIRE(rig.guest.adjuster.changed_nothing());
    // A 0.4 s revert: no whole-second comparison can tell it from the RTC's phase.
    rig.guest.timebase.realtime_error = -400 * kNsPerMs;
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.changed_nothing());
    rig.vmclock.page.disruption_marker = 2;
    rig.daemon->check_vmclock();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    REQUIRE(abs_ns(rig.guest.adjuster.steps[0] - 400 * kNsPerMs) < kNsPerMs);
    // What the servo learnt is void after a migration.
    REQUIRE(rig.guest.adjuster.frequencies_ppb == std::vector<double>{0.0});
    REQUIRE(rig.daemon->frequency_ppb() == 0.0);
    REQUIRE(rig.daemon->metrics().disruptions.count == 1);
    REQUIRE(rig.daemon->metrics().disruptions.last_at_ns > 0);
    // The page says nothing new: nothing more happens.
    rig.guest.timebase.realtime_error = 0;
    rig.daemon->check_vmclock();
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
    REQUIRE(rig.daemon->metrics().disruptions.count == 1);
    auto text = format_resync_metrics(rig.daemon->metrics()).text();
    REQUIRE_THAT(text, Catch::Contains("guestclock_rtc_resync_disruptions_total 1"));
}

TEST_CASE("a disruption never moves the clock on the page's word: a bogus RTC still refuses",
          "[rtc_resync][daemon][vmclock]") {
    DaemonRig rig;
    rig.with_vmclock();
    rig.daemon->check_vmclock();
    rig.rtc.rtc_error = -20LL * 365 * 86400 * kNsPerSec; // a CMOS reset to the 2000s
    rig.vmclock.page.disruption_marker = 2;
    rig.daemon->check_vmclock();
    REQUIRE(rig.guest.adjuster.steps.empty());
    REQUIRE(rig.guest.adjuster.slews.empty());
}

TEST_CASE("beside a synchronised chronyd a disruption asks chronyd to step",
          "[rtc_resync][daemon][vmclock]") {
    DaemonRig rig;
    rig.revert_beside_chronyd(-400 * kNsPerMs);
    REQUIRE(rig.chrony.count("remeasure") == 1);
    // chronyd's clock and chronyd's frequency: we touch neither.
    REQUIRE(rig.guest.adjuster.changed_nothing());
    rig.daemon->follow_chrony_request(); // no fresh update yet
    REQUIRE(rig.chrony.count("makestep") == 0);
    rig.chrony.state.reference_time += 0.25; // chronyd measured: 0.4 s left to correct
    rig.chrony.state.system_offset_s = 0.4;
    rig.daemon->follow_chrony_request();
    REQUIRE(rig.chrony.count("makestep") == 1);
    REQUIRE(rig.guest.adjuster.changed_nothing());
    REQUIRE(rig.daemon->metrics().disruptions.count == 1);
}

TEST_CASE("while chronyd works on the step we asked for, its unsynchronised moment is not ours",
          "[rtc_resync][daemon][vmclock]") {
    DaemonRig rig;
    rig.revert_beside_chronyd(-4500 * kNsPerMs);
    REQUIRE(rig.chrony.count("remeasure") == 1);
    // chronyd's sources disagree across the revert: no selectable source, the kernel's clock
    // marked unsynchronised. Our checks see a jump and no synchronised daemon.
    rig.guest.adjuster.state.synchronized = false;
    rig.guest.timebase.monoraw += 3 * kNsPerSec; // past the 2 s grace, within chronyd's 10 s
    rig.daemon->check();
    rig.daemon->measure_and_correct();
    REQUIRE(rig.guest.adjuster.changed_nothing());
    // chronyd updates with the whole jump: we ask it to step, and it does.
    rig.chrony.state.reference_time += 3.0;
    rig.chrony.state.system_offset_s = 4.5;
    rig.daemon->follow_chrony_request();
    REQUIRE(rig.chrony.count("makestep") == 1);
    REQUIRE(rig.guest.adjuster.changed_nothing());
}

TEST_CASE("a jump chronyd was asked to step but did not is ours after the grace",
          "[rtc_resync][daemon][vmclock]") {
    DaemonRig rig;
    rig.guest.settings.daemon_grace = 10 * kNsPerSec;
    rig.revert_beside_chronyd(-30 * kNsPerSec);
    REQUIRE(rig.chrony.count("remeasure") == 1);
    rig.daemon->check(); // within the grace, which the disruption started
    REQUIRE(rig.guest.adjuster.steps.empty());
    rig.guest.timebase.monoraw += 11 * kNsPerSec;
    rig.daemon->check();
    REQUIRE(rig.guest.adjuster.steps.size() == 1);
}

TEST_CASE("a time daemon's own step is not undone, a stranger's is", "[rtc_resync][daemon]") {
    DaemonRig rig;
    rig.guest.root.write("proc/412/comm", "chronyd\n");
    // Just stepped by chronyd: the kernel says unsynchronised until chronyd's next update,
    // and the RTC's phase puts the clock half a second off it.
    rig.guest.adjuster.state.synchronized = false;
    rig.guest.timebase.realtime_error = 500 * kNsPerMs;
    rig.daemon->clock_was_set();
    REQUIRE(rig.guest.adjuster.changed_nothing());

    DaemonRig alone; // no time daemon: someone's date -s is put right
    alone.guest.timebase.realtime_error = 500 * kNsPerMs;
    alone.daemon->clock_was_set();
    REQUIRE(alone.guest.adjuster.steps.size() == 1);
}

TEST_CASE("an RTC in 2099 or past 2100 never moves a correct clock", "[rtc_resync][once]") {
    for (const RtcTime& bogus : {RtcTime{2099, 12, 31, 23, 59, 59}, RtcTime{2101, 3, 1, 0, 0, 0}}) {
        FakeGuest guest;
        guest.rtc.rtc_error = utc_calendar_to_epoch(bogus) * kNsPerSec - guest.timebase.true_time();
        REQUIRE(guest.once() == kExitBeyondCeiling);
        REQUIRE(guest.adjuster.changed_nothing());
    }
}

// Decades after its build date, the ceiling comes from the last good time the guest recorded
// (here a week ago), not from the build date.
TEST_CASE("a guest that lives past 2038 and 2100 follows its RTC there", "[rtc_resync][once]") {
    for (const RtcTime& when : {RtcTime{2038, 1, 19, 3, 14, 8}, RtcTime{2100, 3, 1, 0, 0, 0}}) {
        FakeGuest guest;
        guest.timebase.epoch_offset =
            utc_calendar_to_epoch(when) * kNsPerSec - guest.timebase.monoraw;
        guest.timebase.realtime_error = 37 * kNsPerSec;
        guest.root.write("var/lib/guestclock/" + std::string(kLastGoodFile),
                         format_last_good(guest.timebase.true_time() - 7 * kNsPerDay));
        REQUIRE(guest.once() == kExitOk);
        REQUIRE(guest.adjuster.steps.size() == 1);
        REQUIRE(abs_ns(guest.adjuster.steps[0] + 37 * kNsPerSec) < 100 * kNsPerUs);
    }
}

TEST_CASE("without CAP_SYS_TIME once fails plainly and remembers nothing", "[rtc_resync][once]") {
    FakeGuest guest;
    guest.timebase.realtime_error = 37 * kNsPerSec;
    guest.adjuster.fail_with_errno = EPERM;
    LogCapture log;
    REQUIRE(guest.once() == kExitRuntime);
    REQUIRE(guest.adjuster.changed_nothing());
    REQUIRE_FALSE(guest.last_good_written());
    REQUIRE(log.count("Operation not permitted") >= 1);
}
