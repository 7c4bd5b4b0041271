#include "clocksource_audit/cpu_flags.h"

#include <sstream>

namespace guestclock {

std::set<std::string> parse_cpu_flags(std::string_view cpuinfo) {
    std::istringstream lines{std::string(cpuinfo)};
    std::string line;
    while (std::getline(lines, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
            key.pop_back();
        if (key != "flags") continue;
        std::istringstream words(line.substr(colon + 1));
        std::set<std::string> flags;
        for (std::string flag; words >> flag;)
            flags.insert(flag);
        return flags;
    }
    return {};
}

} // namespace guestclock
