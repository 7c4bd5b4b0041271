#include "common/config_text.h"

#include "common/trim.h"

#include <fmt/format.h>

namespace guestclock {

Result<bool> parse_yes_no(std::string_view text) {
    if (text == "yes" || text == "true" || text == "1") return true;
    if (text == "no" || text == "false" || text == "0") return false;
    return fail(0, fmt::format("\"{}\" is not yes or no", text));
}

Result<std::vector<ConfigEntry>> parse_config_text(std::string_view text, std::string_view file) {
    std::vector<ConfigEntry> entries;
    int number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        line = trim_blanks(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        const std::string origin = fmt::format("{}:{}", file, number);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            return fail(0, fmt::format("{}: expected key = value", origin));
        const std::string_view key = trim_blanks(line.substr(0, equals));
        const std::string_view value = trim_blanks(line.substr(equals + 1));
        if (key.empty()) return fail(0, fmt::format("{}: no key before '='", origin));
        if (value.empty()) return fail(0, fmt::format("{}: {} has no value", origin, key));
        entries.push_back({origin, std::string(key), std::string(value)});
    }
    return entries;
}

} // namespace guestclock
