#include "clocksource_audit/reference.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

ClockDevice phc(std::string node, std::string name, std::vector<std::string> interfaces = {},
                std::vector<std::string> symlinks = {}) {
    ClockDevice d;
    d.devnode = std::move(node);
    d.sysname = d.devnode.substr(5);
    d.name = std::move(name);
    d.network_interfaces = std::move(interfaces);
    d.symlinks = std::move(symlinks);
    return d;
}

} // namespace

TEST_CASE("auto reference: a paravirtual PHC, never a NIC's", "[audit][reference]") {
    Inventory inv;
    inv.phcs = {phc("/dev/ptp0", "e1000e", {"eth0"}),
                phc("/dev/ptp1", "KVM virtual PTP", {}, {"/dev/ptp_kvm"})};
    inv.rtcs = {phc("/dev/rtc0", "rtc_cmos")};
    std::string why;
    auto choice = choose_reference(inv, "auto", why);
    REQUIRE(choice);
    REQUIRE(choice->kind == ReferenceKind::phc);
    REQUIRE(choice->path == "/dev/ptp_kvm"); // the stable name survives renumbering

    inv.phcs.pop_back(); // only the NIC's clock left: the RTC it is
    choice = choose_reference(inv, "auto", why);
    REQUIRE(choice);
    REQUIRE(choice->kind == ReferenceKind::rtc);
    REQUIRE(choice->path == "/dev/rtc0");

    inv.rtcs.clear();
    REQUIRE_FALSE(choose_reference(inv, "auto", why));
    REQUIRE(why.find("only NIC PHCs") != std::string::npos);
}

TEST_CASE("auto reference prefers the RTC the kernel set the clock from", "[audit][reference]") {
    Inventory inv;
    inv.rtcs = {phc("/dev/rtc0", "some-other-rtc"), phc("/dev/rtc1", "rtc_cmos")};
    inv.rtcs[1].hctosys = true;
    std::string why;
    REQUIRE(choose_reference(inv, "auto", why)->path == "/dev/rtc1");
}

TEST_CASE("explicit and disabled references", "[audit][reference]") {
    Inventory inv;
    std::string why;
    REQUIRE(choose_reference(inv, "/dev/rtc1", why)->kind == ReferenceKind::rtc);
    REQUIRE(choose_reference(inv, "/dev/ptp3", why)->kind == ReferenceKind::phc);
    REQUIRE_FALSE(choose_reference(inv, "none", why));
    REQUIRE(why.find("--reference none") != std::string::npos);
}

TEST_CASE("reference summary: median offset, honest uncertainty, rate", "[audit][reference]") {
    // The system clock is 2 ms ahead of the reference and its raw clock runs 50 ppm fast;
    // one sample is an outlier that the median must shrug off.
    std::vector<ReferenceSample> samples;
    for (int i = 0; i < 20; ++i) {
        ReferenceSample s;
        s.reference_ns = 1'700'000'000'000'000'000 + static_cast<Nanoseconds>(i) * kNsPerSec;
        s.system_ns =
            s.reference_ns + 2 * kNsPerMs + (i == 7 ? 900 * kNsPerMs : 0) + (i % 2) * 1000;
        s.monoraw_ns = 5 * kNsPerSec + static_cast<Nanoseconds>(i) * (kNsPerSec + 50'000);
        s.uncertainty_ns = 700;
        samples.push_back(s);
    }
    const auto summary = summarise_reference(samples, "/dev/rtc0", "uie");
    REQUIRE(summary.samples == 20);
    REQUIRE(summary.system_minus_reference_ns >= 2 * kNsPerMs);
    REQUIRE(summary.system_minus_reference_ns <= 2 * kNsPerMs + 1000);
    REQUIRE(summary.uncertainty_ns >= 700);
    REQUIRE(summary.uncertainty_ns <= 1700);
    REQUIRE(summary.rate_ppm);
    REQUIRE(*summary.rate_ppm == Approx(50).margin(0.01));
    REQUIRE(summarise_reference({}, "/dev/rtc0", "poll").samples == 0);
}
