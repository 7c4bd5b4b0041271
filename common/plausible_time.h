// The window of times a reference (the RTC, a PHC) may read and still move the clock: one rule
// for every tool that corrects it.
//
// The floor is the latest time known to have passed: this program's build date (no correct
// clock reads earlier), the operator's --min-time, and the last reference time accepted (kept in
// the state directory, so a reference reset to its epoch is caught).
//
// The ceiling is the latest time it can plausibly be: the floor, or the system clock when it lies
// between the floor and the floor's own ceiling (a guest that ran until then, even if paused or
// reverted since), plus max_offline, the longest a guest may sit switched off, paused or on an
// old snapshot. The system clock never lowers the ceiling: after a pause or a revert it lags, and
// the reference is then right. At boot it came from the RTC itself, so a bogus RTC date makes it
// implausible too and it is ignored.
#pragma once

#include "common/result.h"
#include "common/time_arguments.h"

#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

// Ten years: Debian's longest support (LTS, then Extended LTS) ends about ten years after a
// release, so a guest switched off for longer wakes to a system nobody maintains; systemd's own
// sanity range for its clock is wider (15 years after its build). An RTC set decades ahead, a
// classic bad snapshot or hand-typed host date, lies far beyond it.
inline constexpr Nanoseconds kDefaultMaxOffline = 10 * kNsPerYear;
// A shorter max_offline is a typing slip ("10" is ten seconds), not a policy.
inline constexpr Nanoseconds kShortestMaxOffline = kNsPerDay;

// "unlimited" (no ceiling: the operator's override), or a duration of at least a day.
Result<std::optional<Nanoseconds>> parse_max_offline(std::string_view text);

// The compiler's __DATE__ ("Nov 21 2026", day padded with a space) as midnight UTC.
Result<Nanoseconds> parse_build_date(std::string_view compiler_date);
// This binary's build date, less a day for the build machine's time zone.
Nanoseconds build_date_ns();

inline constexpr std::string_view kDefaultStateDirectory = "/var/lib/guestclock";
// The last-known-good file, in the state directory: one line with whole seconds since the epoch.
// rtc_resync writes it; both correcting tools read it.
inline constexpr std::string_view kLastGoodFile = "rtc_resync.last-good";
std::optional<Nanoseconds> parse_last_good(std::string_view text);
std::string format_last_good(Nanoseconds reference_time_ns);

// What is known before a reference is read.
struct TimeEvidence {
    Nanoseconds build_date = 0;
    std::optional<Nanoseconds> min_time{};
    std::optional<Nanoseconds> last_good{};
    std::optional<Nanoseconds> max_offline = kDefaultMaxOffline; // nullopt: no ceiling
};

struct PlausibleWindow {
    Nanoseconds floor_ns = 0;
    std::string floor_source;   // "build date", "--min-time", "last known good time"
    Nanoseconds ceiling_ns = 0; // the largest Nanoseconds when there is no ceiling
    std::string ceiling_source; // how it was derived, for the log; empty when there is none
};

// system_now: CLOCK_REALTIME when the reference was read.
PlausibleWindow plausible_window(const TimeEvidence& evidence, Nanoseconds system_now);

enum class Bound { none, floor, ceiling };

struct WindowCheck {
    Bound crossed = Bound::none;
    std::string reason; // "RTC reads ..., beyond the ceiling ...": one sentence, empty inside
};

// reference names what was read ("RTC", "PHC /dev/ptp0") for the reason.
WindowCheck check_window(const PlausibleWindow& window, Nanoseconds reading,
                         std::string_view reference);

// "2026-11-21 12:00:00 UTC", for messages.
std::string iso_utc(Nanoseconds ns);

} // namespace guestclock
