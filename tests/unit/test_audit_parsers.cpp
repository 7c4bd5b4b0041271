#include "clocksource_audit/clocksources.h"
#include "clocksource_audit/cpu_flags.h"
#include "clocksource_audit/kernel_messages.h"
#include "clocksource_audit/kernel_parameters.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("kernel command line: time parameters", "[audit][cmdline]") {
    const auto p = parse_time_kernel_parameters(
        "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro no-kvmclock no_kvmclock_vsyscall "
        "clocksource=tsc tsc=reliable,nowatchdog quiet\n");
    REQUIRE(p.no_kvmclock);
    REQUIRE(p.no_kvmclock_vsyscall); // underscores are the same parameter
    REQUIRE(p.clocksource == "tsc");
    REQUIRE(p.tsc_options == std::vector<std::string>{"reliable", "nowatchdog"});
}

TEST_CASE("kernel command line: quotes group, -- ends the kernel's part", "[audit][cmdline]") {
    REQUIRE(split_kernel_cmdline(R"(a "b c" d="e f" -- no-kvmclock)") ==
            std::vector<std::string>{"a", "b c", "d=e f"});
    const auto p = parse_time_kernel_parameters("quiet -- no-kvmclock");
    REQUIRE_FALSE(p.no_kvmclock); // init's argument, not the kernel's
}

TEST_CASE("kernel command line: empty, truncated and odd input", "[audit][cmdline]") {
    REQUIRE(split_kernel_cmdline("").empty());
    REQUIRE(split_kernel_cmdline("   \n").empty());
    const auto p =
        parse_time_kernel_parameters("no-kvmclock-vsys clocksource= tsc= \"unterminated");
    REQUIRE_FALSE(p.no_kvmclock_vsyscall); // a prefix is not the parameter
    REQUIRE_FALSE(p.clocksource);
    REQUIRE(p.tsc_options.empty());
    REQUIRE(parse_time_kernel_parameters("tsc=,unstable,").tsc_options ==
            std::vector<std::string>{"unstable"});
}

TEST_CASE("cpuinfo flags come from the first flags line", "[audit][cpuinfo]") {
    const char* cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                          "flags\t\t: fpu tsc constant_tsc nonstop_tsc hypervisor\n\n"
                          "processor\t: 1\nflags\t\t: fpu\n";
    const auto flags = parse_cpu_flags(cpuinfo);
    REQUIRE(flags.contains("constant_tsc"));
    REQUIRE(flags.contains("hypervisor"));
    REQUIRE_FALSE(flags.contains("tsc_known_freq"));
    REQUIRE(parse_cpu_flags("processor : 0\nflags").empty()); // truncated before the colon
    REQUIRE(parse_cpu_flags("").empty());
    // "vmx flags" (a different key) must not be taken for "flags".
    REQUIRE(parse_cpu_flags("vmx flags\t: ept\n").empty());
}

TEST_CASE("available clocksources split on blanks", "[audit][sysfs]") {
    REQUIRE(parse_available_clocksources("tsc kvm-clock hpet acpi_pm \n") ==
            std::vector<std::string>{"tsc", "kvm-clock", "hpet", "acpi_pm"});
    REQUIRE(parse_available_clocksources("").empty());
}

TEST_CASE("MHz text converts to kHz exactly", "[audit][kmsg]") {
    REQUIRE(parse_mhz_as_khz("2899.999") == 2'899'999);
    REQUIRE(parse_mhz_as_khz("2600.0") == 2'600'000);
    REQUIRE(parse_mhz_as_khz("3000") == 3'000'000);
    REQUIRE_FALSE(parse_mhz_as_khz("2899.9999")); // more precision than the kernel prints
    REQUIRE_FALSE(parse_mhz_as_khz("abc"));
    REQUIRE_FALSE(parse_mhz_as_khz(""));
    REQUIRE_FALSE(parse_mhz_as_khz("-5.0"));
}

TEST_CASE("kernel log: switches, instability and TSC frequency", "[audit][kmsg]") {
    const char* log =
        "<6>[    0.000055] tsc: Detected 2600.000 MHz processor\n"
        "<6>[    0.291660] clocksource: Switched to clocksource kvm-clock\n"
        "<4>[    1.100000] clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as "
        "unstable because the skew is too large:\n"
        "<6>[    1.361807] clocksource: Switched to clocksource tsc\n"
        "<6>[    2.000000] tsc: Refined TSC clocksource calibration: 2599.987 MHz\n"
        "<6>[    3.000000] clocksource: Switched to clocksource "; // truncated
    const auto m = parse_clocksource_messages(log);
    REQUIRE(m.switches == std::vector<std::string>{"kvm-clock", "tsc"});
    REQUIRE(m.instability.size() == 1);
    REQUIRE(m.instability[0].find("'tsc' as unstable") != std::string::npos);
    REQUIRE(m.tsc_khz == 2'599'987); // the refined value wins over "Detected"
}

TEST_CASE("kernel log without prefixes and without a refined calibration", "[audit][kmsg]") {
    const auto m =
        parse_clocksource_messages("tsc: Detected 1999.998 MHz processor\n"
                                   "tsc: Marking TSC unstable due to clocksource watchdog\n");
    REQUIRE(m.tsc_khz == 1'999'998);
    REQUIRE(m.instability.size() == 1);
    REQUIRE(parse_clocksource_messages("").switches.empty());
    REQUIRE_FALSE(parse_clocksource_messages("").tsc_khz);
}
