// Time arithmetic in integer nanoseconds. Absolute times never pass through double: a double
// holds only ~15 digits, which at 1.7e18 ns since the epoch leaves ~256 ns of resolution.
#pragma once

#include <cstdint>
#include <ctime>

namespace guestclock {

using Nanoseconds = std::int64_t;

inline constexpr Nanoseconds kNsPerUs = 1'000;
inline constexpr Nanoseconds kNsPerMs = 1'000'000;
inline constexpr Nanoseconds kNsPerSec = 1'000'000'000;

constexpr Nanoseconds to_ns(const timespec& ts) {
    return static_cast<Nanoseconds>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

// Normalised so that 0 <= tv_nsec < 1e9 also for negative values, as clock_adjtime's
// ADJ_SETOFFSET requires.
constexpr timespec to_timespec(Nanoseconds ns) {
    Nanoseconds sec = ns / kNsPerSec;
    Nanoseconds rem = ns % kNsPerSec;
    if (rem < 0) {
        rem += kNsPerSec;
        sec -= 1;
    }
    return timespec{static_cast<time_t>(sec), static_cast<long>(rem)};
}

// clock_gettime for a clock that cannot fail (CLOCK_REALTIME, CLOCK_MONOTONIC, ...).
Nanoseconds now_ns(clockid_t clock);

// Seconds as a double, for printing and statistics on differences, never on absolute times.
constexpr double to_seconds(Nanoseconds ns) {
    return static_cast<double>(ns) / 1e9;
}

} // namespace guestclock
