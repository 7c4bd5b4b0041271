#include "clocksource_audit/inventory.h"
#include "common/kernel_clock_state.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("adjtimex decoding: microsecond and nanosecond offsets, scaled ppm", "[adjtimex]") {
    timex tx{};
    tx.status = STA_PLL;           // STA_UNSYNC clear: synchronised
    tx.offset = -250;              // us, without STA_NANO
    tx.freq = -12 * 65536 - 32768; // -12.5 ppm
    tx.maxerror = 16000;
    tx.esterror = 3;
    auto state = decode_timex(tx, TIME_OK);
    REQUIRE(state.synchronized);
    REQUIRE(state.pll);
    REQUIRE(state.pll_pending_ns == -250'000);
    REQUIRE(state.frequency_ppm == Approx(-12.5));
    REQUIRE(state.maxerror_ns == 16'000'000);
    REQUIRE(state.esterror_ns == 3'000);

    tx.status = STA_UNSYNC | STA_NANO;
    tx.offset = -250; // now ns
    state = decode_timex(tx, TIME_ERROR);
    REQUIRE_FALSE(state.synchronized);
    REQUIRE(state.pll_pending_ns == -250);
    REQUIRE(state.clock_state == TIME_ERROR);
    REQUIRE(ppm_to_scaled_ppm(scaled_ppm_to_ppm(123456)) == 123456);
}

TEST_CASE("inventory from a fixture tree, fake devices and a fake clock", "[audit][inventory]") {
    TempDir root;
    root.write("sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock\n");
    root.write("sys/devices/system/clocksource/clocksource0/available_clocksource",
               "kvm-clock tsc \n");
    root.write("proc/cmdline", "root=/dev/vda1 no-kvmclock-vsyscall\n");
    root.write("proc/cpuinfo", "processor\t: 0\nflags\t\t: tsc constant_tsc\n");
    root.write("proc/501/comm", "chronyd\n");
    root.write("proc/net/udp", "  sl  local_address\n   1: 00000000:007B 00000000:0000 07\n");
    FakeDeviceFinder devices;
    DeviceInfo rtc;
    rtc.subsystem = "rtc";
    rtc.sysname = "rtc0";
    rtc.devnode = "/dev/rtc0";
    rtc.attributes = {{"name", "rtc_cmos rtc_cmos"}, {"hctosys", "1"}};
    devices.devices = {rtc};
    FakeClockAdjuster clock;
    clock.state.synchronized = true;

    const SystemFiles files(root.path());
    const auto from_journal = []() -> Result<KernelLog> {
        return KernelLog{"clocksource: Switched to clocksource kvm-clock\n", "journal"};
    };
    const auto inv = take_inventory({files, devices, clock, from_journal, {}});
    REQUIRE(inv.clocksources.current == "kvm-clock");
    REQUIRE(inv.kernel_messages->switches == std::vector<std::string>{"kvm-clock"});
    REQUIRE(inv.kernel_log_source == "journal");
    REQUIRE(inv.parameters.no_kvmclock_vsyscall);
    REQUIRE(inv.cpu_flags.contains("constant_tsc"));
    REQUIRE(inv.time_daemons.size() == 1);
    REQUIRE(inv.serves_ntp);
    REQUIRE(inv.rtcs.size() == 1); // the fake answers every subsystem with its list
    REQUIRE(inv.rtcs[0].hctosys);
    REQUIRE(inv.rtcs[0].name == "rtc_cmos rtc_cmos");
    REQUIRE(inv.kernel_clock->synchronized);
    REQUIRE(inv.problems.empty());
    REQUIRE(clock.changed_nothing());
}

TEST_CASE("an inventory with nothing readable lists its problems instead of failing",
          "[audit][inventory]") {
    TempDir root;
    FakeDeviceFinder devices;
    devices.fail_with_errno = EACCES;
    FakeClockAdjuster clock;
    clock.fail_with_errno = EPERM;
    const SystemFiles files(root.path());
    const auto denied = []() -> Result<KernelLog> {
        return fail(EPERM, "kernel messages: the ring buffer is denied");
    };
    const auto inv = take_inventory({files, devices, clock, denied, {}});
    REQUIRE(inv.clocksources.current.empty());
    REQUIRE_FALSE(inv.kernel_messages);
    REQUIRE_FALSE(inv.kernel_clock);
    // clocksources, cmdline, cpuinfo, kernel log, ptp, rtc, misc (vmclock), adjtimex
    REQUIRE(inv.problems.size() == 8);
    REQUIRE_FALSE(inv.serves_ntp);
}

TEST_CASE("a pending leap second survives our sync-status updates", "[clock][leap]") {
    for (int leap : {STA_INS, STA_DEL}) {
        const int armed = STA_PLL | STA_UNSYNC | leap;
        REQUIRE(status_with_sync(armed, true) == (STA_PLL | leap));
        REQUIRE(status_with_sync(status_with_sync(armed, true), false) == armed);
    }
}
