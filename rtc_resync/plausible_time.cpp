#include "rtc_resync/plausible_time.h"

#include "common/rtc_calendar.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace guestclock {

Result<Nanoseconds> parse_build_date(std::string_view compiler_date) {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto invalid = fail(0, "build date \"" + std::string(compiler_date) + "\" is not Mmm dd yyyy");
    if (compiler_date.size() != 11) return invalid;
    RtcTime date;
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (compiler_date.substr(0, 3) == kMonths[i]) date.month = static_cast<int>(i) + 1;
    }
    std::string day(compiler_date.substr(4, 2));
    if (day[0] == ' ') day[0] = '0';
    const std::string year(compiler_date.substr(7, 4));
    const auto [day_end, day_ec] = std::from_chars(day.data(), day.data() + 2, date.day);
    const auto [year_end, year_ec] = std::from_chars(year.data(), year.data() + 4, date.year);
    if (day_ec != std::errc{} || year_ec != std::errc{} || day_end != day.data() + 2 ||
        year_end != year.data() + 4 || !is_valid_rtc_time(date))
        return invalid;
    return utc_calendar_to_epoch(date) * kNsPerSec;
}

Nanoseconds build_date_ns() {
    // __DATE__ is local to the build machine; a day's margin covers every time zone.
    static const Nanoseconds date = parse_build_date(__DATE__).value_or(0) - 86400 * kNsPerSec;
    return date;
}

std::optional<Nanoseconds> parse_last_good(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || seconds <= 0)
        return std::nullopt;
    return seconds * kNsPerSec;
}

std::string format_last_good(Nanoseconds rtc_time_ns) {
    return std::to_string(rtc_time_ns / kNsPerSec) + "\n";
}

GateLimits plausible_limits(Nanoseconds build_date, std::optional<Nanoseconds> min_time,
                            std::optional<Nanoseconds> last_good) {
    GateLimits limits;
    limits.floor_ns = build_date;
    limits.floor_source = "build date";
    if (min_time && *min_time > limits.floor_ns) {
        limits.floor_ns = *min_time;
        limits.floor_source = "--min-time";
    }
    if (last_good && *last_good > limits.floor_ns) {
        limits.floor_ns = *last_good;
        limits.floor_source = "last known good time";
    }
    limits.ceiling_ns = limits.floor_ns + kPlausibleYearsAhead;
    return limits;
}

} // namespace guestclock
