#include "rtc_resync/settings.h"

#include <charconv>
#include <fmt/format.h>
#include <sstream>
#include <string>
#include <tuple>

namespace guestclock {

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

Result<bool> parse_bool(std::string_view text) {
    if (text == "yes" || text == "true" || text == "1") return true;
    if (text == "no" || text == "false" || text == "0") return false;
    return fail(0, fmt::format("\"{}\" is not yes or no", text));
}

} // namespace

Status apply_config_text(std::string_view text, ResyncSettings& settings) {
    std::istringstream lines{std::string(text)};
    std::string raw;
    int number = 0;
    while (std::getline(lines, raw)) {
        ++number;
        std::string_view line = raw;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        const auto equals = line.find('=');
        auto error = [&](const std::string& what) {
            return fail(0, fmt::format("line {}: {}", number, what));
        };
        if (equals == std::string_view::npos) return error("expected key = value");
        const std::string_view key = trim(line.substr(0, equals));
        const std::string_view value = trim(line.substr(equals + 1));
        if (value.empty()) return error(fmt::format("{} has no value", key));

        auto set_duration = [&](Nanoseconds& target) -> Status {
            auto parsed = parse_duration(value);
            if (!parsed) return error(fmt::format("{}: {}", key, parsed.error().context));
            target = *parsed;
            return {};
        };
        auto set_bool = [&](bool& target) -> Status {
            auto parsed = parse_bool(value);
            if (!parsed) return error(fmt::format("{}: {}", key, parsed.error().context));
            target = *parsed;
            return {};
        };

        Status applied;
        if (key == "device") {
            settings.device = std::string(value);
        } else if (key == "time_scale") {
            if (value == "utc")
                settings.time_scale = RtcTimeScale::utc;
            else if (value == "local")
                settings.time_scale = RtcTimeScale::local;
            else
                return error("time_scale must be utc or local");
        } else if (key == "step_threshold") {
            applied = set_duration(settings.step_threshold);
        } else if (key == "jump_threshold") {
            applied = set_duration(settings.jump_threshold);
        } else if (key == "daemon_grace") {
            applied = set_duration(settings.daemon_grace);
        } else if (key == "interval") {
            applied = set_duration(settings.interval);
        } else if (key == "check_interval") {
            applied = set_duration(settings.check_interval);
        } else if (key == "min_time") {
            auto parsed = parse_utc_time(value);
            if (!parsed) return error(fmt::format("min_time: {}", parsed.error().context));
            settings.min_time = *parsed;
        } else if (key == "max_offline") {
            auto parsed = parse_max_offline(value);
            if (!parsed) return error(fmt::format("max_offline: {}", parsed.error().context));
            settings.max_offline = *parsed;
        } else if (key == "samples") {
            auto parsed = parse_integer(value);
            if (!parsed || *parsed < 2 || *parsed > 15) return error("samples must be 2 to 15");
            settings.samples = static_cast<int>(*parsed);
        } else if (key == "no_step") {
            applied = set_bool(settings.no_step);
        } else if (key == "allow_circular_reference") {
            applied = set_bool(settings.allow_circular_reference);
        } else if (key == "state_directory") {
            settings.state_directory = std::string(value);
        } else {
            return error(fmt::format("unknown key \"{}\"", key));
        }
        if (!applied) return applied;
    }
    if (settings.interval < kNsPerSec || settings.check_interval < 100 * kNsPerMs)
        return fail(0, "interval must be at least 1 s and check_interval at least 0.1 s");
    return {};
}

Status apply_overrides(const SettingOverrides& overrides, ResyncSettings& settings) {
    if (overrides.utc && overrides.localtime)
        return fail(0, "--utc and --localtime exclude each other");
    if (overrides.device) settings.device = *overrides.device;
    if (overrides.utc) settings.time_scale = RtcTimeScale::utc;
    if (overrides.localtime) settings.time_scale = RtcTimeScale::local;
    if (overrides.no_step) settings.no_step = true;
    for (const auto& [text, target, name] :
         {std::tuple{&overrides.step_threshold, &settings.step_threshold, "--step-threshold"},
          std::tuple{&overrides.interval, &settings.interval, "--interval"}}) {
        if (!*text) continue;
        auto parsed = parse_duration(**text);
        if (!parsed) return fail(0, fmt::format("{}: {}", name, parsed.error().context));
        *target = *parsed;
    }
    if (overrides.min_time) {
        auto parsed = parse_utc_time(*overrides.min_time);
        if (!parsed) return fail(0, "--min-time: " + parsed.error().context);
        settings.min_time = *parsed;
    }
    if (overrides.max_offline) {
        auto parsed = parse_max_offline(*overrides.max_offline);
        if (!parsed) return fail(0, "--max-offline: " + parsed.error().context);
        settings.max_offline = *parsed;
    }
    if (settings.interval < kNsPerSec) return fail(0, "--interval must be at least 1 s");
    return {};
}

} // namespace guestclock
