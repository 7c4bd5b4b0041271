#include "common/rtc_calendar.h"

#include "common/trim.h"

#include <chrono>
#include <ctime>
#include <sstream>
#include <string>

namespace guestclock {

namespace {

// Only for fields already in range: std::chrono::day and month hold a byte, so a value past 255
// would wrap before ok() could refuse it.
std::chrono::year_month_day calendar_date(const RtcTime& t) {
    return {std::chrono::year{t.year}, std::chrono::month{static_cast<unsigned>(t.month)},
            std::chrono::day{static_cast<unsigned>(t.day)}};
}

} // namespace

bool is_valid_rtc_time(const RtcTime& t) {
    if (t.year < 1900 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31)
        return false;
    return calendar_date(t).ok() && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
           t.minute <= 59 && t.second >= 0 && t.second <= 59;
}

std::int64_t utc_calendar_to_epoch(const RtcTime& t) {
    using namespace std::chrono;
    const sys_seconds at =
        sys_days{calendar_date(t)} + hours{t.hour} + minutes{t.minute} + seconds{t.second};
    return at.time_since_epoch().count();
}

RtcTime epoch_to_utc_calendar(std::int64_t seconds) {
    using namespace std::chrono;
    const sys_seconds at{std::chrono::seconds{seconds}};
    const sys_days day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss time{at - day};
    return {static_cast<int>(date.year()),
            static_cast<int>(unsigned{date.month()}),
            static_cast<int>(unsigned{date.day()}),
            static_cast<int>(time.hours().count()),
            static_cast<int>(time.minutes().count()),
            static_cast<int>(time.seconds().count())};
}

Result<Nanoseconds> rtc_time_to_epoch_ns(const RtcTime& t, RtcTimeScale scale) {
    if (!is_valid_rtc_time(t))
        return fail(EINVAL, "RTC holds an impossible date or time (unset or broken clock)");
    if (scale == RtcTimeScale::utc) return utc_calendar_to_epoch(t) * kNsPerSec;
    // mktime rather than std::chrono::zoned_time: g++ 12's library has no time zone database.
    std::tm tm{};
    tm.tm_year = t.year - 1900;
    tm.tm_mon = t.month - 1;
    tm.tm_mday = t.day;
    tm.tm_hour = t.hour;
    tm.tm_min = t.minute;
    tm.tm_sec = t.second;
    tm.tm_isdst = -1; // let the zone rules decide, as the RTC carries no DST flag
    const time_t seconds = mktime(&tm);
    if (seconds == static_cast<time_t>(-1))
        return fail(EINVAL, "RTC local time does not exist in this time zone");
    return static_cast<Nanoseconds>(seconds) * kNsPerSec;
}

Result<RtcTimeScale> parse_adjtime_scale(std::string_view adjtime_text) {
    std::istringstream lines{std::string(adjtime_text)};
    std::string line;
    for (int i = 0; i < 3; ++i) {
        if (!std::getline(lines, line)) return RtcTimeScale::utc;
    }
    const std::string scale(trim_blanks(line));
    if (auto named = value_named(kRtcTimeScaleNames, scale)) return *named;
    return fail(0, "/etc/adjtime: third line must be UTC or LOCAL, not \"" + scale + "\"");
}

} // namespace guestclock
