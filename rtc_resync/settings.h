// Everything rtc_resync can be told, from its configuration file (key = value lines) and its
// command line (which wins). Parsing is pure: text in, settings or a clear error out.
#pragma once

#include "common/plausible_time.h"
#include "common/result.h"
#include "common/rtc_calendar.h"
#include "common/time_arguments.h"
#include "common/time_ns.h"

#include <optional>
#include <string>
#include <string_view>

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
};

// Applies "key = value" lines onto settings; '#' starts a comment; blank lines are ignored.
// Unknown keys and bad values are errors naming the line, never silently skipped.
Status apply_config_text(std::string_view text, ResyncSettings& settings);

// Command-line values, as given (empty when not given): they override the configuration file.
struct SettingOverrides {
    std::optional<std::string> device;
    bool utc = false;
    bool localtime = false;
    std::optional<std::string> step_threshold;
    std::optional<std::string> interval;
    std::optional<std::string> min_time;
    std::optional<std::string> max_offline;
    bool no_step = false;
};

Status apply_overrides(const SettingOverrides& overrides, ResyncSettings& settings);

} // namespace guestclock
