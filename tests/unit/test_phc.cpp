#include "common/phc.h"
#include "tests/fakes/fake_phc.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("PRECISE serves when the clock offers it, with both system clocks", "[phc]") {
    FakePhc phc;
    phc.ahead_of_system_ns = 1234;
    auto reading = read_phc_offset(phc, 3);
    REQUIRE(reading);
    REQUIRE(reading->method == PhcMethod::precise);
    REQUIRE(reading->samples.size() == 3);
    REQUIRE(reading->samples[0].system_minus_phc_ns() == -1234); // the PHC ahead
    REQUIRE(reading->samples[0].delay_ns == 0);
    REQUIRE(reading->samples[0].monoraw_ns.has_value());
}

TEST_CASE("unsupported methods fall through to EXTENDED, then basic", "[phc]") {
    FakePhc phc;
    phc.ahead_of_system_ns = -500;
    phc.precise_errno = ENODEV; // ptp_kvm while the clocksource is not kvm-clock
    auto extended = read_phc_offset(phc, 5);
    REQUIRE(extended);
    REQUIRE(extended->method == PhcMethod::extended);
    REQUIRE(extended->samples.size() == 5);

    phc.extended_errno = EOPNOTSUPP; // no gettimex64 in ptp_kvm
    auto basic = read_phc_offset(phc, 5);
    REQUIRE(basic);
    REQUIRE(basic->method == PhcMethod::basic);
    REQUIRE(basic->samples[2].system_minus_phc_ns() == 500); // the PHC behind
    REQUIRE(tightest_sample(basic->samples).delay_ns == phc.delay_ns);
}

TEST_CASE("a failing clock is an error, never a slower method", "[phc]") {
    FakePhc phc;
    phc.precise_errno = EIO;
    auto reading = read_phc_offset(phc, 1);
    REQUIRE_FALSE(reading);
    REQUIRE(reading.error().errno_value == EIO);
    REQUIRE(phc.calls == std::vector<PhcMethod>{PhcMethod::precise});
}

TEST_CASE("EBUSY is retried, and a clock that answers nothing reports the last reason", "[phc]") {
    FakePhc phc;
    phc.precise_errno = EOPNOTSUPP;
    phc.extended_errno = EOPNOTSUPP;
    phc.busy_errnos = {EOPNOTSUPP, EOPNOTSUPP, EBUSY, EBUSY};
    auto reading = read_phc_offset(phc, 2);
    REQUIRE(reading);
    REQUIRE(reading->method == PhcMethod::basic);

    phc.basic_errno = EOPNOTSUPP;
    auto none = read_phc_offset(phc, 2);
    REQUIRE_FALSE(none);
    REQUIRE(none.error().is_not_supported());
}

TEST_CASE("endless EBUSY gives up with EBUSY", "[phc]") {
    FakePhc phc;
    phc.busy_errnos = {EBUSY, EBUSY, EBUSY, EBUSY, EBUSY};
    auto reading = read_phc_offset(phc, 1);
    REQUIRE_FALSE(reading);
    REQUIRE(reading.error().errno_value == EBUSY);
}

TEST_CASE("a learnt method skips the ones known to fail, and large counts are batched", "[phc]") {
    FakePhc phc;
    auto reading = read_phc_offset(phc, 60, PhcMethod::basic);
    REQUIRE(reading);
    REQUIRE(reading->method == PhcMethod::basic);
    REQUIRE(reading->samples.size() == 60);
    REQUIRE(phc.calls == std::vector<PhcMethod>(3, PhcMethod::basic)); // 25 + 25 + 10
}

TEST_CASE("opening a PHC says which path could not be opened", "[phc]") {
    auto phc = DevicePhc::open("/nonexistent/ptp9");
    REQUIRE_FALSE(phc);
    REQUIRE(phc.error().errno_value == ENOENT);
    REQUIRE_THAT(phc.error().message(), Catch::Contains("/nonexistent/ptp9"));
}
