// Inputs the fuzz targets (tests/fuzz) found to break a parser, kept as the smallest text that
// did: each must now be refused cleanly.
#include "clocksource_audit/kernel_messages.h"
#include "common/plausible_time.h"
#include "common/time_arguments.h"
#include "rtc_resync/settings.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("a valid date after 2262 is refused, not overflowed into nanoseconds", "[fuzz]") {
    REQUIRE_FALSE(parse_utc_time("3985-01-31 12:00:00"));
    REQUIRE_FALSE(parse_utc_time("2262-04-12"));
    REQUIRE(parse_utc_time("2262-04-11 00:00:00"));
    ResyncSettings settings;
    REQUIRE_FALSE(apply_config_text("min_time = 8804-01-31T12:00:00\n", settings));
}

TEST_CASE("a TSC frequency too large for kHz in int64 is refused", "[fuzz]") {
    REQUIRE_FALSE(parse_mhz_as_khz("99999999999999999"));
    REQUIRE_FALSE(parse_mhz_as_khz("9223372036854775.807"));
    const auto messages =
        parse_clocksource_messages("tsc: Detected 99999999999999999 MHz processor\n");
    REQUIRE_FALSE(messages.tsc_khz);
}

TEST_CASE("a TSC frequency with a signed fraction is refused", "[fuzz]") {
    REQUIRE_FALSE(parse_mhz_as_khz("2.-50"));
    REQUIRE_FALSE(parse_mhz_as_khz("2900.+1"));
}

TEST_CASE("a build date after 2262 is refused, not overflowed into nanoseconds", "[fuzz]") {
    REQUIRE_FALSE(parse_build_date("Dec 31 2825"));
    REQUIRE(parse_build_date("Jan  2 2026"));
}
