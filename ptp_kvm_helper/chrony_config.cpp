#include "ptp_kvm_helper/chrony_config.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace guestclock {

namespace {

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        if (i > start) words.emplace_back(line.substr(start, i - start));
    }
    return words;
}

bool is_comment(const std::string& first_word) {
    return std::string_view("!;#%").find(first_word.front()) != std::string_view::npos;
}

std::string lower(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

std::vector<ChronyDirective> parse_chrony_config(std::string_view text) {
    std::vector<ChronyDirective> directives;
    int number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        auto words = split_words(line);
        if (words.empty() || is_comment(words.front())) continue;
        ChronyDirective directive{lower(words.front()), {}, number};
        directive.arguments.assign(words.begin() + 1, words.end());
        directives.push_back(std::move(directive));
    }
    return directives;
}

std::optional<std::string> drop_in_directory(const std::vector<ChronyDirective>& config) {
    for (const auto& directive : config)
        if (directive.name == "confdir" && !directive.arguments.empty())
            return directive.arguments.front();
    return std::nullopt;
}

std::vector<ChronyDirective> overriding_directives(const std::vector<ChronyDirective>& config,
                                                   std::string_view name) {
    std::vector<ChronyDirective> found;
    bool after_confdir = false;
    for (const auto& directive : config) {
        if (directive.name == "confdir") after_confdir = true;
        if (after_confdir && directive.name == name) found.push_back(directive);
    }
    return found;
}

std::string chrony_drop_in(const ChronyDropInOptions& options) {
    // Why each option: see ptp_kvm_helper(8), CHRONY DROP-IN.
    return fmt::format("# Written by ptp_kvm_helper(8): the host's clock through ptp_kvm.\n"
                       "# Remove with: ptp_kvm_helper chrony --remove\n"
                       "refclock PHC {} poll {} dpoll {} maxdispersion 0.001 prefer\n"
                       "makestep 0.1 -1\n",
                       options.device, options.poll, options.poll - kChronyReadingsPerUpdateLog2);
}

} // namespace guestclock
