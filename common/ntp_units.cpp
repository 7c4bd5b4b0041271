#include "common/ntp_units.h"

#include "common/trim.h"

#include <algorithm>
#include <array>
#include <map>

namespace guestclock {

std::vector<std::string> parse_ntp_unit_list(std::string_view text) {
    std::vector<std::string> units;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = trim_blanks(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.front() != '#') units.emplace_back(line);
    }
    return units;
}

std::vector<std::string> ntp_units_listed(const SystemFiles& files) {
    static constexpr std::array<std::string_view, 4> kDirectories = {
        "/etc/systemd/ntp-units.d", "/run/systemd/ntp-units.d",
        "/usr/local/lib/systemd/ntp-units.d", "/usr/lib/systemd/ntp-units.d"};
    std::map<std::string, std::string> path_of_name; // the first directory's file wins
    for (std::string_view directory : kDirectories) {
        auto names = files.list(directory);
        if (!names) continue;
        for (const auto& name : *names)
            if (name.ends_with(".list"))
                path_of_name.try_emplace(name, std::string(directory) + "/" + name);
    }
    std::vector<std::string> units;
    for (const auto& [name, path] : path_of_name) {
        auto text = files.read(path);
        if (!text) continue;
        for (auto& unit : parse_ntp_unit_list(*text))
            if (std::ranges::find(units, unit) == units.end()) units.push_back(std::move(unit));
    }
    return units;
}

} // namespace guestclock
