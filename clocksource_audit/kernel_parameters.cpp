#include "clocksource_audit/kernel_parameters.h"

#include <cctype>

namespace guestclock {

namespace {

// The kernel treats '-' and '_' in parameter names alike ("no_kvmclock" == "no-kvmclock").
std::string normalise_name(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (c == '_') c = '-';
    return out;
}

std::vector<std::string> split_commas(std::string_view value) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= value.size()) {
        const size_t comma = value.find(',', start);
        const size_t end = comma == std::string_view::npos ? value.size() : comma;
        if (end > start) parts.emplace_back(value.substr(start, end - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return parts;
}

} // namespace

std::vector<std::string> split_kernel_cmdline(std::string_view cmdline) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    bool quoted = false;
    for (const char c : cmdline) {
        if (c == '"') {
            quoted = !quoted;
            in_word = true;
            continue;
        }
        if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) {
                if (word == "--") return words;
                words.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
            continue;
        }
        word += c;
        in_word = true;
    }
    if (in_word && word != "--") words.push_back(std::move(word));
    return words;
}

TimeKernelParameters parse_time_kernel_parameters(std::string_view cmdline) {
    TimeKernelParameters params;
    for (const auto& word : split_kernel_cmdline(cmdline)) {
        const auto equals = word.find('=');
        const std::string name = normalise_name(std::string_view(word).substr(0, equals));
        const std::string value = equals == std::string::npos ? "" : word.substr(equals + 1);
        if (name == "no-kvmclock")
            params.no_kvmclock = true;
        else if (name == "no-kvmclock-vsyscall")
            params.no_kvmclock_vsyscall = true;
        else if (name == "clocksource" && !value.empty())
            params.clocksource = value;
        else if (name == "tsc")
            for (auto& option : split_commas(value))
                params.tsc_options.push_back(std::move(option));
    }
    return params;
}

} // namespace guestclock
