// Durations and points in time as operators write them on a command line or in a configuration
// file. Pure: text in, integer nanoseconds or a clear error out. Shared so that both correcting
// tools spell --min-time and --max-offline the same way.
#pragma once

#include "common/result.h"
#include "common/time_ns.h"

#include <string_view>

namespace guestclock {

inline constexpr Nanoseconds kNsPerDay = 86'400 * kNsPerSec;
// The Julian year (365.25 days), as systemd's USEC_PER_YEAR: no calendar needed for a duration.
inline constexpr Nanoseconds kNsPerYear = 31'557'600 * kNsPerSec;

// "0.5", "2", "1.25s", "250ms", "100us", "30d", "10y": a non-negative duration (seconds by
// default), exact to the nanosecond (no floating point on the way).
Result<Nanoseconds> parse_duration(std::string_view text);

// "2026-01-31", "2026-01-31 12:00:00" or "2026-01-31T12:00:00" (UTC), or "@1769860800".
Result<Nanoseconds> parse_utc_time(std::string_view text);

} // namespace guestclock
