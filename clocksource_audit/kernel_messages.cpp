#include "clocksource_audit/kernel_messages.h"

#include <charconv>
#include <sstream>

namespace guestclock {

namespace {

// The message after the "<level>[timestamp] " prefix, if any.
std::string_view message_of(std::string_view line) {
    if (!line.empty() && line.front() == '<') {
        const auto close = line.find('>');
        if (close != std::string_view::npos) line.remove_prefix(close + 1);
    }
    if (!line.empty() && line.front() == '[') {
        const auto close = line.find(']');
        if (close != std::string_view::npos) line.remove_prefix(close + 1);
    }
    while (!line.empty() && line.front() == ' ')
        line.remove_prefix(1);
    return line;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// The number that precedes " MHz" after the given prefix.
std::optional<std::int64_t> khz_after(std::string_view message, std::string_view prefix) {
    if (!starts_with(message, prefix)) return std::nullopt;
    std::string_view rest = message.substr(prefix.size());
    const auto unit = rest.find(" MHz");
    if (unit == std::string_view::npos) return std::nullopt;
    return parse_mhz_as_khz(rest.substr(0, unit));
}

} // namespace

std::optional<std::int64_t> parse_mhz_as_khz(std::string_view mhz) {
    const auto dot = mhz.find('.');
    const std::string_view whole = mhz.substr(0, dot);
    std::string_view fraction = dot == std::string_view::npos ? "" : mhz.substr(dot + 1);
    // Far beyond any CPU, and in kHz beyond int64: a corrupt or forged line, not a frequency.
    constexpr std::int64_t kMaxMhz = 1'000'000'000;
    // from_chars takes a sign, which only the whole part may not have: "2.-50" is no number.
    if (whole.empty() || fraction.size() > 3 ||
        fraction.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    std::int64_t mhz_part = 0;
    auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), mhz_part);
    if (ec != std::errc{} || end != whole.data() + whole.size()) return std::nullopt;
    std::int64_t khz_part = 0;
    if (!fraction.empty()) {
        std::int64_t digits = 0;
        auto [fend, fec] =
            std::from_chars(fraction.data(), fraction.data() + fraction.size(), digits);
        if (fec != std::errc{} || fend != fraction.data() + fraction.size()) return std::nullopt;
        khz_part = digits;
        for (size_t i = fraction.size(); i < 3; ++i)
            khz_part *= 10;
    }
    if (mhz_part <= 0 || mhz_part > kMaxMhz) return std::nullopt;
    return mhz_part * 1000 + khz_part;
}

ClocksourceMessages parse_clocksource_messages(std::string_view kernel_log) {
    ClocksourceMessages result;
    std::optional<std::int64_t> detected_khz;
    std::istringstream lines{std::string(kernel_log)};
    for (std::string line; std::getline(lines, line);) {
        const std::string_view message = message_of(line);
        constexpr std::string_view kSwitched = "clocksource: Switched to clocksource ";
        if (starts_with(message, kSwitched)) {
            std::string_view name = message.substr(kSwitched.size());
            while (!name.empty() && (name.back() == ' ' || name.back() == '\r'))
                name.remove_suffix(1);
            if (!name.empty()) result.switches.emplace_back(name);
        } else if (message.find("Marking TSC unstable") != std::string_view::npos ||
                   message.find("as unstable") != std::string_view::npos ||
                   message.find("clocksource watchdog") != std::string_view::npos) {
            result.instability.emplace_back(message);
        } else if (auto refined =
                       khz_after(message, "tsc: Refined TSC clocksource calibration: ")) {
            result.tsc_khz = refined;
        } else if (auto detected = khz_after(message, "tsc: Detected ")) {
            detected_khz = detected;
        }
    }
    if (!result.tsc_khz) result.tsc_khz = detected_khz;
    return result;
}

} // namespace guestclock
