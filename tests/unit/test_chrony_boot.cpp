#include "ptp_kvm_helper/chrony_boot.h"
#include "ptp_kvm_helper/chrony_config.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("every drop-in this tool writes is recognised as ours", "[chrony]") {
    REQUIRE(is_our_drop_in(chrony_drop_in({})));
    REQUIRE(is_our_drop_in(chrony_drop_in({"/dev/ptp_hyperv", 3})));
    // An older version's text, as long as it kept the header.
    REQUIRE(is_our_drop_in("# Written by ptp_kvm_helper(8), 0.0.9\nrefclock PHC /dev/ptp0\n"));
    REQUIRE_FALSE(is_our_drop_in("refclock PHC /dev/ptp_kvm poll 2\n"));
    REQUIRE_FALSE(is_our_drop_in("# my own\n# Written by ptp_kvm_helper\n"));
    REQUIRE_FALSE(is_our_drop_in(""));
}

TEST_CASE("at boot the drop-in follows this boot's paravirtual PHC", "[chrony]") {
    const std::string wanted = chrony_drop_in({"/dev/ptp_kvm", 2});
    const std::optional<std::string> phc = "/dev/ptp_kvm";

    SECTION("a PHC and no drop-in: written") {
        REQUIRE(plan_boot_drop_in(phc, std::nullopt, wanted).action == BootDropIn::write);
    }
    SECTION("a PHC and the same drop-in: kept, not rewritten") {
        REQUIRE(plan_boot_drop_in(phc, wanted, wanted).action == BootDropIn::keep);
    }
    SECTION("a PHC and an older or different drop-in of ours: rewritten") {
        const std::string older = chrony_drop_in({"/dev/ptp_hyperv", 3});
        REQUIRE(plan_boot_drop_in(phc, older, wanted).action == BootDropIn::write);
    }
    SECTION("no PHC (a KVM image booted elsewhere) and our drop-in: removed") {
        const auto plan = plan_boot_drop_in(std::nullopt, wanted, wanted);
        REQUIRE(plan.action == BootDropIn::remove);
        REQUIRE(plan.reason.find("no paravirtual PHC") != std::string::npos);
    }
    SECTION("no PHC and no drop-in: nothing to do") {
        REQUIRE(plan_boot_drop_in(std::nullopt, std::nullopt, wanted).action == BootDropIn::none);
    }
    SECTION("a file under our name that we did not write is never touched") {
        const std::string theirs = "refclock PHC /dev/ptp_kvm poll 0\n";
        REQUIRE(plan_boot_drop_in(phc, theirs, wanted).action == BootDropIn::leave);
        REQUIRE(plan_boot_drop_in(std::nullopt, theirs, wanted).action == BootDropIn::leave);
    }
}
