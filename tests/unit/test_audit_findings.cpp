#include "clocksource_audit/findings.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// A healthy KVM guest on kvm-clock with a PHC and an RTC, chrony running. An x86 guest on
// whatever architecture the tests run: kvm-clock is x86's.
Inventory healthy_kvm_guest() {
    Inventory inv;
    inv.architecture = kX86_64;
    inv.clocksources = {"kvm-clock", {"kvm-clock", "tsc", "acpi_pm"}};
    inv.cpu_flags = {"constant_tsc", "nonstop_tsc", "hypervisor"};
    inv.hypervisor.kind = Hypervisor::kvm;
    inv.hypervisor.cpuid_signature = "KVMKVMKVM";
    inv.kernel_messages = ClocksourceMessages{};
    inv.phcs.push_back({"/dev/ptp0", "ptp0", "KVM virtual PTP", "", {"/dev/ptp_kvm"}, false, {}});
    inv.rtcs.push_back({"/dev/rtc0", "rtc0", "rtc_cmos", "", {}, true, {}});
    inv.kernel_clock = KernelClockState{};
    inv.kernel_clock->synchronized = true;
    inv.time_daemons.push_back({412, "chronyd"});
    return inv;
}

ClocksourceMeasurement measured(std::string name, bool current, bool vdso = true) {
    ClocksourceMeasurement m;
    m.name = std::move(name);
    m.current = current;
    m.measured = true;
    m.cost = {vdso ? 25.0 : 700.0, 650.0, vdso};
    m.rate = RateVersusTsc{0.01, 0.001, 0.002, 1000, 0};
    m.backward = {100000, 0, 0, 2};
    return m;
}

bool has(const std::vector<Finding>& findings, std::string_view id) {
    return std::ranges::any_of(findings, [&](const Finding& f) { return f.id == id; });
}

const Finding& get(const std::vector<Finding>& findings, std::string_view id) {
    return *std::ranges::find_if(findings, [&](const Finding& f) { return f.id == id; });
}

} // namespace

TEST_CASE("a healthy kvm-clock guest has no findings", "[audit][findings]") {
    const auto inv = healthy_kvm_guest();
    const std::vector<ClocksourceMeasurement> ms{measured("kvm-clock", true)};
    const auto findings = assess({inv, ms, Scenario::kvmclock});
    REQUIRE(findings.empty());
    REQUIRE(detect_scenario(inv) == Scenario::kvmclock);
    REQUIRE_FALSE(findings_fail(findings, true));
}

TEST_CASE("an NTP server on kvm-clock is told to boot no-kvmclock", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    inv.serves_ntp = true;
    std::vector<ClocksourceMeasurement> ms{measured("kvm-clock", true)};
    auto findings = assess({inv, ms, std::nullopt});
    REQUIRE(has(findings, "ntp-server-on-kvmclock"));
    const auto& f = get(findings, "ntp-server-on-kvmclock");
    REQUIRE(f.severity == Severity::warning);
    REQUIRE(f.remedy.find("no-kvmclock no-kvmclock-vsyscall") != std::string::npos);
    REQUIRE(f.message.find("wandered by 0.002 ppm") != std::string::npos); // measured, not assumed
}

TEST_CASE("no-kvmclock given but kvm-clock still in use is an error", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    inv.parameters.no_kvmclock = true;
    const auto findings = assess({inv, {}, std::nullopt});
    REQUIRE(get(findings, "no-kvmclock-ignored").severity == Severity::error);
    REQUIRE(findings_fail(findings, false));
    REQUIRE(findings.front().severity == Severity::error); // most severe first
}

TEST_CASE("--expect gates the scenario", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    REQUIRE(has(assess({inv, {}, Scenario::no_kvmclock}), "expectation-not-met"));
    REQUIRE_FALSE(has(assess({inv, {}, Scenario::kvmclock}), "expectation-not-met"));

    // The no-kvmclock scenario: kvm-clock never registered, TSC current.
    inv.parameters.no_kvmclock = inv.parameters.no_kvmclock_vsyscall = true;
    inv.clocksources = {"tsc", {"tsc", "acpi_pm"}};
    inv.phcs.clear();
    REQUIRE(detect_scenario(inv) == Scenario::no_kvmclock);
    const auto findings = assess({inv, {}, Scenario::no_kvmclock});
    REQUIRE_FALSE(has(findings, "expectation-not-met"));
    REQUIRE_FALSE(findings_fail(findings, false));
    // Without kvm-clock there is no ptp_kvm: the audit says the RTC is the reference.
    REQUIRE(get(findings, "no-kvmclock-reference").message.find("RTC") != std::string::npos);

    // kvm-clock registered but tsc chosen: neither scenario.
    inv.clocksources = {"tsc", {"tsc", "kvm-clock"}};
    REQUIRE_FALSE(detect_scenario(inv));
    REQUIRE(has(assess({inv, {}, Scenario::kvmclock}), "expectation-not-met"));
}

TEST_CASE("no-kvmclock-vsyscall shows both read costs", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    inv.parameters.no_kvmclock_vsyscall = true;
    const std::vector<ClocksourceMeasurement> ms{measured("kvm-clock", true, false),
                                                 measured("tsc", false)};
    const auto findings = assess({inv, ms, std::nullopt});
    REQUIRE(has(findings, "no-kvmclock-vsyscall-alone"));
    const auto& f = get(findings, "clock-gettime-syscall");
    REQUIRE(f.message.find("700 ns") != std::string::npos);
    REQUIRE(f.message.find("tsc reads in 25 ns") != std::string::npos);
}

TEST_CASE("TSC trouble: marked unstable, not invariant", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    inv.cpu_flags = {"hypervisor", "constant_tsc"};
    inv.kernel_messages->instability.push_back(
        "tsc: Marking TSC unstable due to clocksource watchdog");
    const auto findings = assess({inv, {}, std::nullopt});
    REQUIRE(has(findings, "tsc-marked-unstable"));
    REQUIRE(get(findings, "tsc-not-invariant").message.find("nonstop_tsc") != std::string::npos);
    // An unreadable cpuinfo is not evidence of a bad TSC.
    inv.cpu_flags.clear();
    REQUIRE_FALSE(has(assess({inv, {}, std::nullopt}), "tsc-not-invariant"));
}

TEST_CASE("measured problems: backward steps and a wandering kvm-clock", "[audit][findings]") {
    const auto inv = healthy_kvm_guest();
    auto kvm = measured("kvm-clock", true);
    kvm.backward = {1000, 3, 120, 2};
    kvm.rate = RateVersusTsc{0.2, 0.01, 2.5, 1000, 0};
    const std::vector<ClocksourceMeasurement> ms{kvm};
    const auto findings = assess({inv, ms, std::nullopt});
    REQUIRE(get(findings, "backward-steps").severity == Severity::error);
    REQUIRE(has(findings, "kvmclock-rate-wander"));
    // Wander within the measurement's own uncertainty is not a finding.
    kvm.rate = RateVersusTsc{0.2, 1.0, 2.5, 1000, 0};
    kvm.backward = {1000, 0, 0, 2};
    REQUIRE(assess({inv, {kvm}, std::nullopt}).empty());
}

TEST_CASE("no reference, no daemon", "[audit][findings]") {
    auto inv = healthy_kvm_guest();
    inv.phcs.clear();
    inv.rtcs.clear();
    inv.time_daemons.clear();
    inv.kernel_clock->synchronized = false;
    const auto findings = assess({inv, {}, std::nullopt});
    REQUIRE(has(findings, "no-reference"));
    REQUIRE(has(findings, "unsynchronised"));
    REQUIRE_FALSE(findings_fail(findings, false));
    REQUIRE(findings_fail(findings, true));

    inv.rtcs.push_back({"/dev/rtc0", "rtc0", "rtc_cmos", "", {}, true, {}});
    REQUIRE(has(assess({inv, {}, std::nullopt}), "ptp-kvm-not-loaded"));
}

TEST_CASE("scenario names parse", "[audit][findings]") {
    REQUIRE(parse_scenario("kvmclock") == Scenario::kvmclock);
    REQUIRE(parse_scenario("no-kvmclock") == Scenario::no_kvmclock);
    REQUIRE_FALSE(parse_scenario("tsc"));
}
