// How fast a clock runs against the TSC: pairs of TSC reads bracket each clock read, and a
// line through (TSC time, clock time) gives the rate and its wander over the window.
#pragma once

#include "common/linear_fit.h"
#include "common/result.h"
#include "common/time_ns.h"

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <vector>

namespace guestclock {

struct TscBracketedRead {
    std::uint64_t tsc_before = 0;
    std::uint64_t tsc_after = 0;
    Nanoseconds clock_ns = 0;
};

struct RateVersusTsc {
    double rate_ppm = 0; // positive: the clock runs faster than the TSC's nominal rate
    double ci95_ppm = 0;
    double spread_ppm = 0;   // max - min over the window's segments
    std::size_t samples = 0; // after dropping interrupted reads
    std::size_t dropped = 0;
};

// Pure: drops reads whose bracket is much wider than usual (an interrupt or preemption came
// between the TSC reads), converts ticks with the nominal TSC frequency and fits the rate.
std::optional<RateVersusTsc> rate_versus_tsc(const std::vector<TscBracketedRead>& reads,
                                             std::int64_t tsc_khz);

// Called about once a second with (elapsed, total) so long runs can show progress; returning
// an Error (e.g. on SIGTERM) stops the sampling.
using ProgressCallback = std::function<Status(Nanoseconds elapsed, Nanoseconds total)>;

// Reads `clock` for `duration`, about every `spacing`, each bracketed by TSC reads.
Result<std::vector<TscBracketedRead>> sample_clock_against_tsc(clockid_t clock,
                                                               Nanoseconds duration,
                                                               Nanoseconds spacing,
                                                               const ProgressCallback& progress);

} // namespace guestclock
