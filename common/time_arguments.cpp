#include "common/time_arguments.h"

#include "common/rtc_calendar.h"
#include "common/trim.h"

#include <charconv>
#include <cstdio>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace guestclock {

namespace {

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace

Result<Nanoseconds> parse_duration(std::string_view text) {
    const std::string_view original = text;
    auto invalid = [&] { return fail(0, fmt::format("\"{}\" is not a duration", original)); };
    Nanoseconds unit = kNsPerSec;
    for (const auto& [suffix, scale] :
         {std::pair{"ms", kNsPerMs}, std::pair{"us", kNsPerUs}, std::pair{"ns", Nanoseconds{1}},
          std::pair{"s", kNsPerSec}, std::pair{"d", kNsPerDay}, std::pair{"y", kNsPerYear}}) {
        if (text.ends_with(suffix)) {
            text.remove_suffix(std::string_view(suffix).size());
            unit = scale;
            break;
        }
    }
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
    if (whole.empty() && fraction.empty()) return invalid();
    auto whole_value = whole.empty() ? std::optional<std::int64_t>{0} : parse_integer(whole);
    if (!whole_value || *whole_value < 0 || whole.starts_with('+') ||
        *whole_value > (std::int64_t{1} << 62) / unit)
        return invalid();
    Nanoseconds result = *whole_value * unit;
    Nanoseconds place = unit;
    for (char digit : fraction) {
        if (digit < '0' || digit > '9') return invalid();
        place /= 10;
        result += (digit - '0') * place;
    }
    return result;
}

Result<Nanoseconds> parse_utc_time(std::string_view text) {
    text = trim_blanks(text);
    auto invalid = [&] {
        return fail(
            0, fmt::format("\"{}\" is not a time (YYYY-MM-DD[ HH:MM:SS] UTC or @SECONDS)", text));
    };
    // Beyond the int64 nanosecond range (year 2262) no clock can read it.
    auto representable = [](std::int64_t seconds) {
        return seconds <= std::numeric_limits<Nanoseconds>::max() / kNsPerSec;
    };
    if (text.starts_with('@')) {
        auto seconds = parse_integer(text.substr(1));
        if (!seconds || *seconds < 0 || !representable(*seconds)) return invalid();
        return *seconds * kNsPerSec;
    }
    RtcTime t;
    char separator = ' ';
    const std::string owned(text);
    int consumed = 0;
    const int fields =
        std::sscanf(owned.c_str(), "%4d-%2d-%2d%n%c%2d:%2d:%2d%n", &t.year, &t.month, &t.day,
                    &consumed, &separator, &t.hour, &t.minute, &t.second, &consumed);
    const bool date_only = fields == 3;
    const bool date_time = fields == 7 && (separator == ' ' || separator == 'T');
    if ((!date_only && !date_time) || consumed != static_cast<int>(owned.size()) ||
        !is_valid_rtc_time(t) || !representable(utc_calendar_to_epoch(t)))
        return invalid();
    return utc_calendar_to_epoch(t) * kNsPerSec;
}

} // namespace guestclock
