#include "common/phc_kind.h"

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
