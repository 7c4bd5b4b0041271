#include "clocksource_audit/findings.h"
#include "clocksource_audit/report.h"
#include "clocksource_audit/tsc.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// An arm64 KVM guest (qemu virt) on the architected counter, RTC only: no CPUID, no TSC,
// no kvm-clock.
AuditReport arm64_kvm_guest() {
    AuditReport report;
    auto& inv = report.inventory;
    inv.architecture = kAarch64;
    inv.clocksources = {"arch_sys_counter", {"arch_sys_counter"}};
    inv.hypervisor.dmi_sys_vendor = "QEMU";
    inv.hypervisor.dmi_product_name = "KVM Virtual Machine";
    inv.hypervisor.kind = Hypervisor::kvm;
    inv.rtcs.push_back({"/dev/rtc0", "rtc0", "rtc-pl031", "", {}, true, {}});
    ClocksourceMeasurement m;
    m.name = "arch_sys_counter";
    m.current = m.measured = true;
    m.cost = {30.0, 400.0, true};
    m.rate_problem = "no TSC on aarch64: Operation not supported";
    report.measurements.push_back(m);
    report.duration = kNsPerSec;
    report.findings = assess({inv, report.measurements, std::nullopt});
    return report;
}

bool has(const std::vector<Finding>& findings, std::string_view id) {
    return std::ranges::any_of(findings, [&](const Finding& f) { return f.id == id; });
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("arm64: no kvm-clock scenario, and ptp_kvm is still worth loading", "[audit][arch]") {
    auto report = arm64_kvm_guest();
    const auto& inv = report.inventory;
    REQUIRE_FALSE(detect_scenario(inv));
    REQUIRE(no_scenario_reason(inv) == "aarch64 has no kvm-clock: neither scenario applies");
    // ptp_kvm works there without kvm-clock (it reads the architected counter).
    REQUIRE_FALSE(has(report.findings, "no-kvmclock-reference"));
    REQUIRE(has(report.findings, "ptp-kvm-not-loaded"));

    const auto expecting = assess({inv, report.measurements, Scenario::kvmclock});
    const auto it = std::ranges::find_if(
        expecting, [](const Finding& f) { return f.id == "expectation-not-met"; });
    REQUIRE(it != expecting.end());
    REQUIRE(contains(it->message, "aarch64 has no kvm-clock"));
}

TEST_CASE("arm64: the text report says what does not exist here", "[audit][arch]") {
    const auto text = format_text_report(arm64_kvm_guest());
    CHECK(contains(text,
                   "Hypervisor          kvm (DMI \"QEMU\" \"KVM Virtual Machine\"; no CPUID on "
                   "aarch64)\n"));
    CHECK(contains(text, "Scenario            not on this architecture (aarch64)\n"));
    CHECK(contains(text, "CPU flags           not on this architecture (aarch64)\n"));
    CHECK(contains(text, "TSC frequency       not on this architecture (aarch64)\n"));
    CHECK(contains(text, "rate vs TSC      not measured: no TSC on aarch64"));
    CHECK_FALSE(contains(text, "constant_tsc"));
}

TEST_CASE("arm64: the JSON report has nulls, not invented values", "[audit][arch]") {
    const auto j = format_json_report(arm64_kvm_guest());
    CHECK(j["architecture"] == "aarch64");
    CHECK(j["hypervisor"]["kind"] == "kvm");
    CHECK(j["hypervisor"]["cpuid_signature"].is_null());
    CHECK(j["hypervisor"]["dmi_product_name"] == "KVM Virtual Machine");
    CHECK(j["cpu_flags"].is_null());
    CHECK(j["tsc_khz"].is_null());
    CHECK(j["scenario"].is_null());
    CHECK(j["clocksources"][0]["rate_vs_tsc_ppm"].is_null());
    CHECK(j["clocksources"][0]["rate_problem"] == "no TSC on aarch64: Operation not supported");
}

TEST_CASE("x86 reports keep their CPUID, flags and scenario", "[audit][arch]") {
    AuditReport report;
    report.inventory.architecture = kX86_64;
    report.inventory.hypervisor.cpuid_signature = "KVMKVMKVM";
    report.inventory.hypervisor.kind = Hypervisor::kvm;
    report.inventory.cpu_flags = {"constant_tsc"};
    const auto text = format_text_report(report);
    CHECK(contains(text, "Hypervisor          kvm (CPUID \"KVMKVMKVM\")\n"));
    CHECK(contains(text, "CPU flags           +constant_tsc -nonstop_tsc"));
    CHECK(contains(text, "TSC frequency       unknown\n"));
    const auto j = format_json_report(report);
    CHECK(j["architecture"] == "x86_64");
    CHECK(j["hypervisor"]["cpuid_signature"] == "KVMKVMKVM");
    CHECK(j["cpu_flags"]["constant_tsc"] == true);
}

TEST_CASE("the TSC is readable exactly on x86", "[audit][arch]") {
    const auto readable = tsc_readable();
    REQUIRE(readable.has_value() == kBuiltArchitecture.x86);
    if (!readable) {
        REQUIRE(readable.error().errno_value == ENOTSUP);
        REQUIRE(readable.error().is_not_supported());
    }
}
