#include "common/rtc_calendar.h"

#include "common/trim.h"

#include <ctime>
#include <sstream>
#include <string>

namespace guestclock {

namespace {

bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) return 29;
    return kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date: counts whole 400-year eras (146097
// days each) from a year that starts in March, so that the leap day is the era's last day.
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

} // namespace

bool is_valid_rtc_time(const RtcTime& t) {
    if (t.year < 1900 || t.year > 9999 || t.month < 1 || t.month > 12) return false;
    if (t.day < 1 || t.day > days_in_month(t.year, t.month)) return false;
    return t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 &&
           t.second <= 59;
}

std::int64_t utc_calendar_to_epoch(const RtcTime& t) {
    return days_from_civil(t.year, t.month, t.day) * 86400 + std::int64_t{t.hour} * 3600 +
           std::int64_t{t.minute} * 60 + t.second;
}

RtcTime epoch_to_utc_calendar(std::int64_t seconds) {
    const time_t value = static_cast<time_t>(seconds);
    std::tm tm{};
    gmtime_r(&value, &tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

Result<Nanoseconds> rtc_time_to_epoch_ns(const RtcTime& t, RtcTimeScale scale) {
    if (!is_valid_rtc_time(t))
        return fail(EINVAL, "RTC holds an impossible date or time (unset or broken clock)");
    if (scale == RtcTimeScale::utc) return utc_calendar_to_epoch(t) * kNsPerSec;
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
