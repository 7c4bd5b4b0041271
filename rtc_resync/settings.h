// Everything rtc_resync can be told: one table of settings that its configuration files
// (rtc_resync.conf(5)) and its command line (which wins) both read. Pure: entries in, settings
// or a clear error out.
#pragma once

#include "common/config_text.h"
#include "common/option_table.h"
#include "common/plausible_time.h"
#include "common/result.h"
#include "common/rtc_calendar.h"
#include "common/time_arguments.h"
#include "common/time_ns.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

inline constexpr std::string_view kDefaultConfigPath = "/etc/guestclock/rtc_resync.conf";

struct ResyncSettings {
    std::string device;                     // empty: the RTC with hctosys=1, else rtc0
    std::optional<RtcTimeScale> time_scale; // empty: /etc/adjtime's third line
    Nanoseconds step_threshold = 128 * kNsPerMs;
    Nanoseconds jump_threshold = 2 * kNsPerSec;
    // Beside a synchronised time daemon, how long a jump is left to it before we step: its
    // reference (a PHC, NTP) is finer than the RTC's second, whose phase may trail by most of
    // one.
    Nanoseconds daemon_grace = 2 * kNsPerSec;
    Nanoseconds interval = 60 * kNsPerSec;  // precise measurements in daemon mode
    Nanoseconds check_interval = kNsPerSec; // whole-second pause checks in daemon mode
    std::optional<Nanoseconds> min_time;    // an extra floor for plausible RTC times
    // The longest the guest may sit switched off: sets the ceiling. nullopt: no ceiling.
    std::optional<Nanoseconds> max_offline = kDefaultMaxOffline;
    int samples = 3;
    bool no_step = false;
    bool allow_circular_reference = false;
    std::string state_directory{kDefaultStateDirectory};

    bool operator==(const ResyncSettings&) const = default;
};

// Every setting, for the files and the command line alike.
std::span<const OptionSpec<ResyncSettings>> resync_options();
// --utc and --localtime, the command line's shorthands for time_scale.
std::span<const OptionAlias> resync_aliases();

// The defaults with entries applied in order (files, then the command line), checked as a
// whole. Any bad entry fails the lot: nothing half-applied reaches a running daemon.
Result<ResyncSettings> resync_settings_from(const std::vector<ConfigEntry>& entries);

// One file's text applied onto settings and checked; errors say "FILE:LINE: ...". For the
// parser's tests and fuzzing.
Status apply_config_text(std::string_view text, ResyncSettings& settings,
                         std::string_view file = "rtc_resync.conf");

} // namespace guestclock
