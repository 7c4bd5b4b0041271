#include "clocksource_audit/clocksources.h"

#include <spdlog/spdlog.h>
#include <sstream>

namespace guestclock {

namespace {

std::string current_path() {
    return std::string(kClocksourceDir) + "/current_clocksource";
}

} // namespace

std::vector<std::string> parse_available_clocksources(std::string_view text) {
    std::istringstream words{std::string(text)};
    std::vector<std::string> names;
    for (std::string name; words >> name;)
        names.push_back(name);
    return names;
}

Result<ClocksourceList> read_clocksources(const SystemFiles& files) {
    auto current = files.read_line(current_path());
    if (!current) return std::unexpected(current.error());
    auto available = files.read(std::string(kClocksourceDir) + "/available_clocksource");
    if (!available) return std::unexpected(available.error());
    return ClocksourceList{*current, parse_available_clocksources(*available)};
}

Status ClocksourceSwitch::switch_to(const std::string& name) {
    auto current = files_.read_line(current_path());
    if (!current) return std::unexpected(current.error());
    if (*current == name) return {};
    if (original_.empty()) {
        auto watcher = RestoreWatcher::start(files_, current_path(), *current);
        if (!watcher) return std::unexpected(watcher.error());
        watcher_.emplace(std::move(*watcher));
        original_ = *current;
    }
    if (auto written = files_.write(current_path(), name); !written) return written;
    auto now = files_.read_line(current_path());
    if (!now) return std::unexpected(now.error());
    if (*now != name)
        return fail(0, "the kernel kept clocksource '" + *now + "' when asked for '" + name + "'");
    return {};
}

Status ClocksourceSwitch::restore() {
    if (original_.empty()) return {};
    if (auto written = files_.write(current_path(), original_); !written) return written;
    auto now = files_.read_line(current_path());
    if (!now) return std::unexpected(now.error());
    // On failure the watcher stays: when it goes, it tries once more.
    if (*now != original_) return fail(0, "could not restore clocksource '" + original_ + "'");
    spdlog::debug("restored clocksource {}", original_);
    if (watcher_) watcher_->dismiss();
    watcher_.reset();
    original_.clear();
    return {};
}

ClocksourceSwitch::~ClocksourceSwitch() {
    if (auto restored = restore(); !restored)
        spdlog::error("{}; restore it with: echo {} > {}", restored.error().message(), original_,
                      current_path());
}

} // namespace guestclock
