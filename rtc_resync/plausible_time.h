// The window of RTC times we believe. The floor is the latest of: the day this program was
// built (no correct clock reads earlier), --min-time, and the last RTC time we accepted
// (kept in the state directory, so an RTC reset to its epoch after a flat battery or a bad
// snapshot is caught). The ceiling catches an RTC set far into the future.
#pragma once

#include "common/result.h"
#include "rtc_resync/reference_gate.h"

#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

// Beyond this after the build date an RTC reading is not believed.
inline constexpr Nanoseconds kPlausibleYearsAhead = 40LL * 365 * 86400 * kNsPerSec;

// The compiler's __DATE__ ("Nov 21 2026", day padded with a space) as midnight UTC.
Result<Nanoseconds> parse_build_date(std::string_view compiler_date);
// This binary's build date.
Nanoseconds build_date_ns();

// The last-known-good file: one line with whole seconds since the epoch.
std::optional<Nanoseconds> parse_last_good(std::string_view text);
std::string format_last_good(Nanoseconds rtc_time_ns);
inline constexpr std::string_view kLastGoodFile = "rtc_resync.last-good";

GateLimits plausible_limits(Nanoseconds build_date, std::optional<Nanoseconds> min_time,
                            std::optional<Nanoseconds> last_good);

} // namespace guestclock
