#include "ptp_kvm_helper/module_load.h"
#include "ptp_kvm_helper/offset_statistics.h"
#include "ptp_kvm_helper/phc_discovery.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_device_monitor.h"
#include "tests/fakes/fake_module_loader.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

DeviceInfo ptp(std::string sysname, std::string clock_name, std::vector<std::string> nets = {}) {
    DeviceInfo info;
    info.subsystem = "ptp";
    info.devnode = "/dev/" + sysname;
    info.sysname = std::move(sysname);
    info.attributes["clock_name"] = std::move(clock_name);
    info.network_interfaces = std::move(nets);
    return info;
}

LoadRequest kvm_request() {
    LoadRequest request;
    request.hypervisor.kind = Hypervisor::kvm;
    request.hypervisor.cpuid_signature = "KVMKVMKVM";
    return request;
}

} // namespace

TEST_CASE("load: the PHC that appears after loading is found through udev events", "[load]") {
    FakeModuleLoader loader;
    FakeDeviceFinder finder;
    finder.devices = {ptp("ptp0", "e1000e", {"eth0"})};
    FakeDeviceMonitor monitor;
    monitor.events = {{"add", "ptp1", "/dev/ptp1"}};
    monitor.on_event = [&](const DeviceEvent&) {
        finder.devices.push_back(ptp("ptp1", "KVM virtual PTP"));
    };
    auto report = load_ptp_kvm(kvm_request(), loader, finder, monitor);
    REQUIRE(report);
    REQUIRE(report->outcome == ModuleLoadOutcome::loaded);
    REQUIRE(report->phc.device.sysname == "ptp1");
    REQUIRE(loader.requests == std::vector<std::string>{"ptp_kvm"});

    // Idempotent: the second call finds the module live and its clock present.
    auto again = load_ptp_kvm(kvm_request(), loader, finder, monitor);
    REQUIRE(again);
    REQUIRE(again->outcome == ModuleLoadOutcome::already_loaded);
}

TEST_CASE("load: each failure has its own kind and words", "[load]") {
    FakeDeviceFinder finder;
    FakeDeviceMonitor monitor;

    LoadRequest tcg;
    tcg.hypervisor.kind = Hypervisor::tcg;
    tcg.hypervisor.cpuid_signature = "TCGTCGTCGTCG";
    FakeModuleLoader loader;
    auto not_kvm = load_ptp_kvm(tcg, loader, finder, monitor);
    REQUIRE_FALSE(not_kvm);
    REQUIRE(not_kvm.error().failure == LoadFailure::not_kvm);
    REQUIRE(not_kvm.error().message.find("TCGTCGTCGTCG") != std::string::npos);
    REQUIRE(loader.requests.empty());

    for (auto [errno_value, failure] : {std::pair{ENOENT, LoadFailure::module_missing},
                                        std::pair{EPERM, LoadFailure::blacklisted},
                                        std::pair{EOPNOTSUPP, LoadFailure::host_refused},
                                        std::pair{ENODEV, LoadFailure::no_kvm_clock}}) {
        FakeModuleLoader refusing;
        refusing.errnos["ptp_kvm"] = errno_value;
        auto result = load_ptp_kvm(kvm_request(), refusing, finder, monitor);
        REQUIRE_FALSE(result);
        REQUIRE(result.error().failure == failure);
    }

    // Loaded, but its clock never shows (only the NIC's): a timeout, and the NIC is not taken.
    tcg.force = true;
    finder.devices = {ptp("ptp0", "e1000e", {"eth0"})};
    auto timeout = load_ptp_kvm(tcg, loader, finder, monitor);
    REQUIRE_FALSE(timeout);
    REQUIRE(timeout.error().failure == LoadFailure::timeout);
}

TEST_CASE("discovery: enumeration errors are returned, not mistaken for absence", "[load]") {
    FakeDeviceFinder finder;
    finder.fail_with_errno = EACCES;
    auto result = wait_for_phc(
        finder, nullptr, [](const auto& c) { return select_phc(c, false); }, 0);
    REQUIRE_FALSE(result);
    REQUIRE(result.error().errno_value == EACCES);
}

TEST_CASE("offset statistics: median, extremes and spread of system minus PHC", "[offset]") {
    std::vector<PhcSample> samples;
    for (Nanoseconds phc_behind : {5, -3, 100, 7, 6})
        samples.push_back({1'000 - phc_behind, 1'000, phc_behind == 100 ? 900 : 300, std::nullopt});
    const SystemMinusPhcStatistics stats = summarize_system_minus_phc(samples);
    REQUIRE(stats.count == 5);
    REQUIRE(stats.median_ns == 6);
    REQUIRE(stats.min_ns == -3);
    REQUIRE(stats.max_ns == 100);
    REQUIRE(stats.median_delay_ns == 300);
    REQUIRE(stats.stddev_ns == Approx(43.23).margin(0.01));
    REQUIRE(summarize_system_minus_phc({samples[0]}).stddev_ns == 0);
}
