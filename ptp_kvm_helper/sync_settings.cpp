#include "ptp_kvm_helper/sync_settings.h"

#include "common/config_files.h"

#include <array>
#include <charconv>
#include <fmt/format.h>
#include <iterator>

namespace guestclock {

namespace {

// Seconds as a number within [Low, High].
template <double Low, double High> Result<double> parse_seconds(std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return fail(0, fmt::format("\"{}\" is not a number of seconds", text));
    if (!(value >= Low && value <= High))
        return fail(0, fmt::format("{} is not within {} to {} s", text, Low, High));
    return value;
}

using Spec = OptionSpec<SyncOptions>;
constexpr std::array kOptions{
    // Bounded (a day): seconds become int64 nanoseconds, which 1e300 would overflow.
    Spec{"step_threshold", "Step offsets of this many seconds or more (default 0.001)", false,
         set_parsed<&SyncOptions::step_threshold_s, parse_seconds<0.0, 86400.0>>},
    Spec{"interval", "Seconds between updates, 0.0625 to 64 (default 1)", false,
         set_parsed<&SyncOptions::interval_s, parse_seconds<0.0625, 64.0>>},
    Spec{"device", "PHC to follow instead of the selected one", false,
         set_parsed<&SyncOptions::device, as_text>},
    // min_time and max_offline kept as text: sync_time_evidence parses them with the rest of
    // the evidence.
    Spec{"min_time", "Refuse PHC times before this (YYYY-MM-DD[ HH:MM:SS] UTC or @SECONDS)", false,
         set_parsed<&SyncOptions::min_time, as_text>},
    Spec{"max_offline",
         "Refuse PHC times more than this after the last good time or a plausible system clock "
         "(default 10y; unlimited: no ceiling)",
         false, set_parsed<&SyncOptions::max_offline, as_text>},
};

} // namespace

std::span<const OptionSpec<SyncOptions>> sync_options() {
    return kOptions;
}

Status apply_sync_entries(const std::vector<ConfigEntry>& entries, SyncOptions& options) {
    SyncOptions changed = options;
    if (auto applied = apply_entries(sync_options(), entries, changed); !applied) return applied;
    options = changed;
    return {};
}

Status load_sync_settings(const std::string& path, bool path_given,
                          const std::vector<ConfigEntry>& command_line, SyncOptions& options) {
    auto entries = read_config_files(path, path_given);
    if (!entries) return std::unexpected(entries.error());
    std::ranges::copy(command_line, std::back_inserter(*entries));
    return apply_sync_entries(*entries, options);
}

} // namespace guestclock
