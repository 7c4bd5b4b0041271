#include "common/plausible_time.h"

#include "common/rtc_calendar.h"

#include <array>
#include <charconv>
#include <fmt/format.h>
#include <limits>

namespace guestclock {

namespace {

constexpr Nanoseconds kNoCeiling = std::numeric_limits<Nanoseconds>::max();

Nanoseconds saturating_add(Nanoseconds a, Nanoseconds b) {
    return a > kNoCeiling - b ? kNoCeiling : a + b;
}

std::string days(Nanoseconds ns) {
    return fmt::format("{} days", ns / kNsPerDay);
}

} // namespace

Result<std::optional<Nanoseconds>> parse_max_offline(std::string_view text) {
    if (text == "unlimited") return std::optional<Nanoseconds>{};
    auto duration = parse_duration(text);
    if (!duration) return std::unexpected(duration.error());
    if (*duration < kShortestMaxOffline)
        return fail(
            0, fmt::format("\"{}\" is shorter than a day (write 3650d, 10y or unlimited)", text));
    return std::optional<Nanoseconds>{*duration};
}

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
        year_end != year.data() + 4 || !is_valid_rtc_time(date) ||
        utc_calendar_to_epoch(date) > kNoCeiling / kNsPerSec)
        return invalid;
    return utc_calendar_to_epoch(date) * kNsPerSec;
}

Nanoseconds build_date_ns() {
    // __DATE__ is local to the build machine; a day's margin covers every time zone.
    static const Nanoseconds date = parse_build_date(__DATE__).value_or(0) - kNsPerDay;
    return date;
}

std::optional<Nanoseconds> parse_last_good(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || seconds <= 0 ||
        seconds > kNoCeiling / kNsPerSec)
        return std::nullopt;
    return seconds * kNsPerSec;
}

std::string format_last_good(Nanoseconds reference_time_ns) {
    return std::to_string(reference_time_ns / kNsPerSec) + "\n";
}

PlausibleWindow plausible_window(const TimeEvidence& evidence, Nanoseconds system_now) {
    PlausibleWindow window;
    window.floor_ns = evidence.build_date;
    window.floor_source = "build date";
    if (evidence.min_time && *evidence.min_time > window.floor_ns) {
        window.floor_ns = *evidence.min_time;
        window.floor_source = "--min-time";
    }
    if (evidence.last_good && *evidence.last_good > window.floor_ns) {
        window.floor_ns = *evidence.last_good;
        window.floor_source = "last known good time";
    }
    if (!evidence.max_offline) {
        window.ceiling_ns = kNoCeiling;
        return window;
    }
    const Nanoseconds max_offline = *evidence.max_offline;
    const Nanoseconds floor_ceiling = saturating_add(window.floor_ns, max_offline);
    const bool system_plausible = system_now >= window.floor_ns && system_now <= floor_ceiling;
    const Nanoseconds anchor = system_plausible ? system_now : window.floor_ns;
    window.ceiling_ns = saturating_add(anchor, max_offline);
    window.ceiling_source =
        system_plausible
            ? fmt::format("the system clock {} plus max_offline ({})", iso_utc(system_now),
                          days(max_offline))
            : fmt::format("the {} {} plus max_offline ({}); the system clock {} is outside it",
                          window.floor_source, iso_utc(window.floor_ns), days(max_offline),
                          iso_utc(system_now));
    return window;
}

WindowCheck check_window(const PlausibleWindow& window, Nanoseconds reading,
                         std::string_view reference) {
    if (reading < window.floor_ns)
        return {Bound::floor,
                fmt::format("{} reads {}, before the {} {}: an unset or reset clock", reference,
                            iso_utc(reading), window.floor_source, iso_utc(window.floor_ns))};
    if (reading > window.ceiling_ns)
        return {Bound::ceiling,
                fmt::format("{} reads {}, beyond the ceiling {} ({}): a clock set far ahead",
                            reference, iso_utc(reading), iso_utc(window.ceiling_ns),
                            window.ceiling_source)};
    return {};
}

std::string iso_utc(Nanoseconds ns) {
    const RtcTime t = epoch_to_utc_calendar(ns / kNsPerSec);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", t.year, t.month, t.day, t.hour,
                       t.minute, t.second);
}

} // namespace guestclock
