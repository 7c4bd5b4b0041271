#include "rtc_resync/settings.h"

#include <array>
#include <charconv>
#include <fmt/format.h>

namespace guestclock {

namespace {

Status set_time_scale(std::string_view value, ResyncSettings& settings) {
    if (value == "utc")
        settings.time_scale = RtcTimeScale::utc;
    else if (value == "local")
        settings.time_scale = RtcTimeScale::local;
    else
        return fail(0, "must be utc or local");
    return {};
}

Status set_min_time(std::string_view value, ResyncSettings& settings) {
    auto parsed = parse_utc_time(value);
    if (!parsed) return std::unexpected(parsed.error());
    settings.min_time = *parsed;
    return {};
}

Status set_max_offline(std::string_view value, ResyncSettings& settings) {
    auto parsed = parse_max_offline(value);
    if (!parsed) return std::unexpected(parsed.error());
    settings.max_offline = *parsed;
    return {};
}

Status set_samples(std::string_view value, ResyncSettings& settings) {
    int samples = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), samples);
    if (ec != std::errc{} || end != value.data() + value.size() || samples < 2 || samples > 15)
        return fail(0, "must be 2 to 15");
    settings.samples = samples;
    return {};
}

using Spec = OptionSpec<ResyncSettings>;
constexpr std::array kOptions{
    Spec{"device", "RTC to read (rtcN or /dev/rtcN; default: the one with hctosys, else rtc0)",
         false, set_parsed<&ResyncSettings::device, as_text>},
    Spec{"time_scale", "utc or local: what the RTC keeps (default: /etc/adjtime)", false,
         set_time_scale},
    Spec{"step_threshold", "Step at or above this offset, slew below (default 0.128 s)", false,
         set_parsed<&ResyncSettings::step_threshold, parse_duration>},
    Spec{"jump_threshold", "A change of the offset this large is a jump (default 2 s)", false,
         set_parsed<&ResyncSettings::jump_threshold, parse_duration>},
    Spec{"daemon_grace",
         "Beside a synchronised time daemon, leave a jump to it this long (default 2 s)", false,
         set_parsed<&ResyncSettings::daemon_grace, parse_duration>},
    Spec{"interval", "Seconds between precise measurements in daemon mode (default 60)", false,
         set_parsed<&ResyncSettings::interval, parse_duration>},
    Spec{"check_interval", "Seconds between pause checks in daemon mode (default 1)", false,
         set_parsed<&ResyncSettings::check_interval, parse_duration>},
    Spec{"min_time", "Refuse RTC times before this (YYYY-MM-DD[ HH:MM:SS] UTC or @SECONDS)", false,
         set_min_time},
    Spec{"max_offline",
         "Refuse RTC times more than this after the last good time or a plausible system clock "
         "(default 10y; unlimited: no ceiling)",
         false, set_max_offline},
    Spec{"samples", "Second edges per measurement, 2 to 15 (default 3)", false, set_samples},
    Spec{"no_step", "Never step the clock", true,
         set_parsed<&ResyncSettings::no_step, parse_yes_no>},
    Spec{"allow_circular_reference",
         "Correct from an RTC that the system clock itself keeps (it proves nothing)", true,
         set_parsed<&ResyncSettings::allow_circular_reference, parse_yes_no>},
    Spec{"state_directory",
         "Where the last good RTC time and the lock are kept (default /var/lib/guestclock)", false,
         set_parsed<&ResyncSettings::state_directory, as_text>},
};

constexpr std::array kAliases{
    OptionAlias{"--utc", "time_scale", "utc", "The RTC keeps UTC (default: /etc/adjtime)"},
    OptionAlias{"--localtime", "time_scale", "local", "The RTC keeps local time"},
};

} // namespace

std::span<const OptionSpec<ResyncSettings>> resync_options() {
    return kOptions;
}

std::span<const OptionAlias> resync_aliases() {
    return kAliases;
}

namespace {

Status check_whole(const ResyncSettings& settings) {
    if (settings.interval < kNsPerSec || settings.check_interval < 100 * kNsPerMs)
        return fail(0, "interval must be at least 1 s and check_interval at least 0.1 s");
    return {};
}

} // namespace

Result<ResyncSettings> resync_settings_from(const std::vector<ConfigEntry>& entries) {
    ResyncSettings settings;
    auto applied = apply_entries(resync_options(), entries, settings);
    if (applied) applied = check_whole(settings);
    if (!applied) return std::unexpected(applied.error());
    return settings;
}

Status apply_config_text(std::string_view text, ResyncSettings& settings, std::string_view file) {
    auto entries = parse_config_text(text, file);
    if (!entries) return std::unexpected(entries.error());
    if (auto applied = apply_entries(resync_options(), *entries, settings); !applied)
        return applied;
    return check_whole(settings);
}

} // namespace guestclock
