#include "clocksource_audit/reference.h"
#include "tests/fakes/fake_phc_view.h"
#include "tests/fakes/fake_rtc.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// A PHC reference on fakes: the device comes from the choice's opener, time from its timebase.
ReferenceChoice fake_phc_reference(FakePhc& phc, FakeTimebase& timebase,
                                   std::vector<std::string>& opened) {
    ReferenceChoice choice{ReferenceKind::phc, "/dev/ptp_kvm"};
    choice.devices.open_phc = [&](const std::string& path) -> Result<std::unique_ptr<Phc>> {
        opened.push_back(path);
        return std::make_unique<FakePhcView>(phc, path);
    };
    choice.devices.timebase = &timebase;
    return choice;
}

} // namespace

TEST_CASE("the audit samples its PHC reference through the devices it is given",
          "[audit][reference]") {
    FakePhc phc;
    phc.ahead_of_system_ns = 2 * kNsPerMs;
    FakeTimebase timebase;
    std::vector<std::string> opened;
    const ReferenceChoice choice = fake_phc_reference(phc, timebase, opened);
    auto comparison = compare_with_reference(choice, kNsPerSec, RtcTimeScale::utc, {});
    REQUIRE(comparison);
    REQUIRE(opened == std::vector<std::string>{"/dev/ptp_kvm"});
    REQUIRE(comparison->device == "/dev/ptp_kvm");
    REQUIRE(comparison->method == "precise");
    REQUIRE(comparison->system_minus_reference_ns == -2 * kNsPerMs);
    REQUIRE(comparison->samples >= 5);
    // The spacing between samples was slept on the fake timebase, not on this machine's.
    REQUIRE(timebase.slept >= 900 * kNsPerMs);
}

TEST_CASE("a reference that cannot be opened is an error, not a measurement",
          "[audit][reference]") {
    FakePhc phc;
    FakeTimebase timebase;
    std::vector<std::string> opened;
    ReferenceChoice choice = fake_phc_reference(phc, timebase, opened);
    choice.devices.open_phc = [](const std::string& path) -> Result<std::unique_ptr<Phc>> {
        return fail(ENOENT, path);
    };
    auto comparison = compare_with_reference(choice, kNsPerSec, RtcTimeScale::utc, {});
    REQUIRE_FALSE(comparison);
    REQUIRE(comparison.error().errno_value == ENOENT);
    REQUIRE(phc.calls.empty());
}
