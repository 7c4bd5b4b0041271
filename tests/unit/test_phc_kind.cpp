#include "common/phc_kind.h"
#include "ptp_kvm_helper/phc_discovery.h"
#include "tests/fakes/fake_device_finder.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

DeviceInfo phc(std::string sysname, std::string clock_name, std::vector<std::string> nets = {},
               std::vector<std::string> links = {}) {
    DeviceInfo info;
    info.subsystem = "ptp";
    info.devnode = "/dev/" + sysname;
    info.sysname = std::move(sysname);
    info.attributes["clock_name"] = std::move(clock_name);
    info.network_interfaces = std::move(nets);
    info.symlinks = std::move(links);
    return info;
}

} // namespace

TEST_CASE("PHCs classify by the names their drivers register", "[phc_kind]") {
    REQUIRE(classify_phc("KVM virtual PTP", false) == PhcKind::kvm);
    REQUIRE(classify_phc("hyperv", false) == PhcKind::hyperv);
    REQUIRE(classify_phc("ptp_vmw", false) == PhcKind::vmw);
    REQUIRE(classify_phc("vmclock0", false) == PhcKind::vmclock);
    REQUIRE(classify_phc("e1000e", false) == PhcKind::other);
    // A NIC is a NIC even if its name looked paravirtual.
    REQUIRE(classify_phc("KVM virtual PTP", true) == PhcKind::nic);
    REQUIRE(classify_phc("", false) == PhcKind::other);
}

TEST_CASE("selection never takes a NIC's clock unless allowed", "[phc_kind]") {
    const auto candidates = classify_phcs({phc("ptp0", "e1000e", {"eth0"})});
    REQUIRE(candidates[0].kind == PhcKind::nic);
    REQUIRE_FALSE(select_phc(candidates, false));
    auto allowed = select_phc(candidates, true);
    REQUIRE(allowed);
    REQUIRE(allowed->device.sysname == "ptp0");
}

TEST_CASE("selection ranks paravirtual kinds and prefers the stable symlink", "[phc_kind]") {
    const auto candidates =
        classify_phcs({phc("ptp0", "e1000e", {"eth0"}), phc("ptp1", "hyperv"),
                       phc("ptp2", "KVM virtual PTP", {}, {"/dev/ptp_kvm", "/dev/ptp_other"})});
    auto best = select_phc(candidates, true);
    REQUIRE(best);
    REQUIRE(best->kind == PhcKind::kvm);
    REQUIRE(preferred_path(*best) == "/dev/ptp_kvm");

    auto with_vmclock = candidates;
    with_vmclock.push_back({phc("ptp3", "vmclock0"), PhcKind::vmclock});
    REQUIRE(select_phc(with_vmclock, false)->kind == PhcKind::vmclock);
}

TEST_CASE("without its symlink the device node serves; ties go to the lowest number",
          "[phc_kind]") {
    const auto candidates =
        classify_phcs({phc("ptp10", "KVM virtual PTP"), phc("ptp9", "KVM virtual PTP")});
    auto best = select_phc(candidates, false);
    REQUIRE(best);
    REQUIRE(best->device.sysname == "ptp9");
    REQUIRE(preferred_path(*best) == "/dev/ptp9");
    REQUIRE_FALSE(stable_symlink(PhcKind::nic));
    REQUIRE(stable_symlink(PhcKind::hyperv) == "/dev/ptp_hyperv");
}

TEST_CASE("phc_path: the given device, else the best paravirtual PHC, never a lone NIC",
          "[phc][discovery]") {
    FakeDeviceFinder finder;
    DeviceInfo nic;
    nic.sysname = "ptp0";
    nic.devnode = "/dev/ptp0";
    nic.attributes["clock_name"] = "e1000e";
    nic.network_interfaces = {"eth0"};
    finder.devices = {nic};
    REQUIRE(*phc_path(finder, "/dev/ptp7", false) == "/dev/ptp7");
    REQUIRE(finder.calls == 0); // a named device needs no enumeration
    auto none = phc_path(finder, "", false);
    REQUIRE_FALSE(none);
    REQUIRE(none.error().errno_value == ENODEV);
    REQUIRE(*phc_path(finder, "", true) == "/dev/ptp0");

    DeviceInfo kvm;
    kvm.sysname = "ptp1";
    kvm.devnode = "/dev/ptp1";
    kvm.attributes["clock_name"] = "KVM virtual PTP";
    kvm.symlinks = {"/dev/ptp_kvm"};
    finder.devices.push_back(kvm);
    REQUIRE(*phc_path(finder, "", true) == "/dev/ptp_kvm");
}
