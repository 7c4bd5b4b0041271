#include "common/rtc_calendar.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <string>

using namespace guestclock;

namespace {

// Sets TZ for one test and restores the previous value.
class ScopedTimeZone {
  public:
    explicit ScopedTimeZone(const char* zone) {
        if (const char* old = std::getenv("TZ")) saved_ = old;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~ScopedTimeZone() {
        if (saved_.empty())
            unsetenv("TZ");
        else
            setenv("TZ", saved_.c_str(), 1);
        tzset();
    }
    ScopedTimeZone(const ScopedTimeZone&) = delete;
    ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

  private:
    std::string saved_;
};

} // namespace

TEST_CASE("UTC calendar times convert to the epoch and back", "[rtc][calendar]") {
    REQUIRE(utc_calendar_to_epoch({1970, 1, 1, 0, 0, 0}) == 0);
    REQUIRE(utc_calendar_to_epoch({2000, 1, 1, 0, 0, 0}) == 946'684'800);
    REQUIRE(utc_calendar_to_epoch({2024, 2, 29, 12, 34, 56}) == 1'709'210'096);
    REQUIRE(utc_calendar_to_epoch({2100, 3, 1, 0, 0, 0}) == 4'107'542'400);
    for (std::int64_t seconds : {0LL, 951'782'400LL, 1'709'210'096LL, 4'102'444'799LL}) {
        REQUIRE(utc_calendar_to_epoch(epoch_to_utc_calendar(seconds)) == seconds);
    }
}

TEST_CASE("impossible RTC dates are refused, never converted", "[rtc][calendar]") {
    REQUIRE(is_valid_rtc_time({2024, 2, 29, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2023, 2, 29, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2100, 2, 29, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2024, 13, 1, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2024, 0, 1, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2024, 4, 31, 0, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2024, 1, 1, 24, 0, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({2024, 1, 1, 0, 60, 0}));
    REQUIRE_FALSE(is_valid_rtc_time({1899, 1, 1, 0, 0, 0}));
    auto converted = rtc_time_to_epoch_ns({2024, 4, 31, 0, 0, 0}, RtcTimeScale::utc);
    REQUIRE_FALSE(converted);
    REQUIRE(converted.error().errno_value == EINVAL);
}

TEST_CASE("an RTC in local time converts through the time zone", "[rtc][calendar]") {
    ScopedTimeZone berlin("CET-1CEST,M3.5.0,M10.5.0/3");
    const RtcTime winter{2026, 1, 15, 13, 0, 0}; // CET, UTC+1
    const RtcTime summer{2026, 7, 15, 14, 0, 0}; // CEST, UTC+2
    REQUIRE(*rtc_time_to_epoch_ns(winter, RtcTimeScale::local) ==
            utc_calendar_to_epoch({2026, 1, 15, 12, 0, 0}) * kNsPerSec);
    REQUIRE(*rtc_time_to_epoch_ns(summer, RtcTimeScale::local) ==
            utc_calendar_to_epoch({2026, 7, 15, 12, 0, 0}) * kNsPerSec);
    REQUIRE(*rtc_time_to_epoch_ns(winter, RtcTimeScale::utc) ==
            utc_calendar_to_epoch(winter) * kNsPerSec);
}

TEST_CASE("/etc/adjtime's third line chooses UTC or local time", "[rtc][adjtime]") {
    REQUIRE(*parse_adjtime_scale("0.0 0 0.0\n0\nUTC\n") == RtcTimeScale::utc);
    REQUIRE(*parse_adjtime_scale("0.0 0 0.0\n0\nLOCAL\n") == RtcTimeScale::local);
    REQUIRE(*parse_adjtime_scale("0.0 0 0.0\r\n0\r\nLOCAL\r\n") == RtcTimeScale::local);
    REQUIRE(*parse_adjtime_scale("0.0 0 0.0\n0\nLOCAL") == RtcTimeScale::local); // no newline
    // Missing lines: hwclock's default.
    REQUIRE(*parse_adjtime_scale("") == RtcTimeScale::utc);
    REQUIRE(*parse_adjtime_scale("0.0 0 0.0\n0\n") == RtcTimeScale::utc);
    // Anything else is a configuration error, not a guess.
    REQUIRE_FALSE(parse_adjtime_scale("0.0 0 0.0\n0\nlocal\n"));
    REQUIRE_FALSE(parse_adjtime_scale("0.0 0 0.0\n0\nGMT\n"));
    REQUIRE_FALSE(parse_adjtime_scale("0.0 0 0.0\n0\n\n"));
}
