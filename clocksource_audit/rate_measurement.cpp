#include "clocksource_audit/rate_measurement.h"

#include "clocksource_audit/tsc.h"

#include <algorithm>
#include <pthread.h>
#include <sched.h>

namespace guestclock {

namespace {

class PinnedToCurrentCpu {
  public:
    PinnedToCurrentCpu() {
        sched_getaffinity(0, sizeof previous_, &previous_);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        sched_setaffinity(0, sizeof one, &one);
    }
    PinnedToCurrentCpu(const PinnedToCurrentCpu&) = delete;
    PinnedToCurrentCpu& operator=(const PinnedToCurrentCpu&) = delete;
    ~PinnedToCurrentCpu() { sched_setaffinity(0, sizeof previous_, &previous_); }

  private:
    cpu_set_t previous_{};
};

// The first reads after a sleep run with cold caches and brackets ten times wider than warm
// ones; the narrowest of a short burst pins the clock read to a few ns of TSC time.
TscBracketedRead narrowest_read(clockid_t clock) {
    constexpr int kBurst = 8;
    TscBracketedRead best;
    for (int i = 0; i < kBurst; ++i) {
        TscBracketedRead read;
        timespec ts{};
        read.tsc_before = read_tsc_ordered();
        clock_gettime(clock, &ts);
        read.tsc_after = read_tsc_ordered();
        read.clock_ns = to_ns(ts);
        if (i == 0 || read.tsc_after - read.tsc_before < best.tsc_after - best.tsc_before)
            best = read;
    }
    return best;
}

} // namespace

std::optional<RateVersusTsc> rate_versus_tsc(const std::vector<TscBracketedRead>& reads,
                                             std::int64_t tsc_khz) {
    if (reads.size() < 3 || tsc_khz <= 0) return std::nullopt;
    std::vector<std::uint64_t> widths;
    widths.reserve(reads.size());
    for (const auto& read : reads)
        widths.push_back(read.tsc_after - read.tsc_before);
    std::vector<std::uint64_t> sorted = widths;
    std::ranges::nth_element(sorted, sorted.begin() + static_cast<long>(sorted.size() / 2));
    const std::uint64_t limit = 2 * sorted[sorted.size() / 2] + 1;

    // Differences from the first kept read keep doubles exact (a 30 s window is 3e10 ns).
    std::vector<double> tsc_ns;
    std::vector<double> clock_ns;
    std::optional<TscBracketedRead> origin;
    const double ns_per_tick = 1e6 / static_cast<double>(tsc_khz);
    for (std::size_t i = 0; i < reads.size(); ++i) {
        if (widths[i] > limit) continue;
        const auto& read = reads[i];
        if (!origin) origin = read;
        // Midpoint of the bracket, in integer ticks relative to the origin's midpoint.
        const auto mid = [](const TscBracketedRead& r) {
            return r.tsc_before + (r.tsc_after - r.tsc_before) / 2;
        };
        const auto ticks = static_cast<std::int64_t>(mid(read) - mid(*origin));
        tsc_ns.push_back(static_cast<double>(ticks) * ns_per_tick);
        clock_ns.push_back(static_cast<double>(read.clock_ns - origin->clock_ns));
    }
    auto estimate = estimate_rate(tsc_ns, clock_ns);
    if (!estimate) return std::nullopt;
    RateVersusTsc result;
    result.rate_ppm = (estimate->rate - 1.0) * 1e6;
    result.ci95_ppm = estimate->ci95 * 1e6;
    result.spread_ppm = estimate->segment_spread * 1e6;
    result.samples = estimate->samples;
    result.dropped = reads.size() - tsc_ns.size();
    return result;
}

Result<std::vector<TscBracketedRead>> sample_clock_against_tsc(clockid_t clock,
                                                               Nanoseconds duration,
                                                               Nanoseconds spacing,
                                                               const ProgressCallback& progress) {
    // TSCs of different vCPUs may differ by a constant offset: staying on one CPU keeps such
    // offsets out of the rate.
    const PinnedToCurrentCpu pinned;
    std::vector<TscBracketedRead> reads;
    reads.reserve(static_cast<size_t>(duration / std::max<Nanoseconds>(spacing, 1)) + 16);
    const Nanoseconds start = now_ns(CLOCK_MONOTONIC);
    Nanoseconds next_progress = start + kNsPerSec;
    const timespec pause = to_timespec(spacing);
    for (;;) {
        reads.push_back(narrowest_read(clock));

        const Nanoseconds now = now_ns(CLOCK_MONOTONIC);
        if (now - start >= duration) break;
        if (now >= next_progress) {
            next_progress += kNsPerSec;
            if (progress)
                if (auto go_on = progress(now - start, duration); !go_on)
                    return std::unexpected(go_on.error());
        }
        if (spacing > 0) nanosleep(&pause, nullptr);
    }
    return reads;
}

} // namespace guestclock
