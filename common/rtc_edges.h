// Reads an RTC to better than its one-second resolution by catching the instants its seconds
// change ("edges") and pairing each with the system clocks. Two methods, chosen by what the
// device offers:
//  - uie:  RTC_UIE_ON and wait for the update interrupt; the first interrupt after enabling can
//          be stale (pending from before), so it is skipped. The edge lies just before our wake-up;
//          the interrupt latency is a bias we cannot observe, and the spread over several edges
//          shows its jitter.
//  - poll: RTC_RD_TIME in a tight loop until the second changes (drivers without UIE answer
//          EINVAL/ENOTTY, and some VMs never deliver the interrupt: hwclock's "select() to
//          /dev/rtc0 to wait for clock tick timed out"). The edge lies between the last read of
//          the old second and the first read of the new one.
// Shared by rtc_resync and clocksource_audit (the edges are a reference for rates too).
#pragma once

#include "common/enum_names.h"
#include "common/result.h"
#include "common/rtc.h"
#include "common/rtc_calendar.h"
#include "common/timebase.h"

#include <optional>
#include <string_view>
#include <vector>

namespace guestclock {

enum class EdgeMethod { uie, poll };
inline constexpr std::array<EnumName<EdgeMethod>, 2> kEdgeMethodNames{{
    {EdgeMethod::uie, "uie"},
    {EdgeMethod::poll, "poll"},
}};
constexpr std::string_view edge_method_name(EdgeMethod method) {
    return name_in(kEdgeMethodNames, method);
}

struct RtcEdge {
    Nanoseconds rtc_time_ns = 0;    // the second that began at this edge, since the epoch
    Nanoseconds realtime_ns = 0;    // CLOCK_REALTIME at the edge (best estimate)
    Nanoseconds monoraw_ns = 0;     // CLOCK_MONOTONIC_RAW at the same instant
    Nanoseconds uncertainty_ns = 0; // half-width of the interval known to hold the edge
    EdgeMethod method = EdgeMethod::uie;

    // Positive when the system clock is ahead of the RTC.
    Nanoseconds system_minus_rtc_ns() const { return realtime_ns - rtc_time_ns; }
};

// One RTC_RD_TIME bracketed by system timestamps taken just before and just after it.
struct BracketedRead {
    SystemTimestamp before;
    SystemTimestamp after;
    Nanoseconds rtc_time_ns = 0;
};

// The edge between two successive polled reads, when the second changed between them: it lies
// after the earlier read began and before the later one ended. Nothing when the second did not
// change.
std::optional<RtcEdge> edge_between_reads(const BracketedRead& earlier, const BracketedRead& later);

// The edge an update interrupt announced: woke is taken right after the wait returned, read
// right after (its value is the second that just began).
RtcEdge edge_from_interrupt(const SystemTimestamp& woke, const BracketedRead& read);

struct EdgeReadOptions {
    int count = 3;
    RtcTimeScale scale = RtcTimeScale::utc;
    // Polling only, e.g. after a pause when no stale interrupt may cost a second.
    bool use_interrupts = true;
    // Longest wait for one edge; an RTC ticks every second, so more means it does not tick.
    Nanoseconds edge_timeout = 1'500 * kNsPerMs;
    // An edge whose bracket (poll) or read (uie) is wider is discarded and the next one taken:
    // the reader was preempted and the pairing says little.
    Nanoseconds max_edge_uncertainty = 20 * kNsPerMs;
};

// count successive edges. UIE is tried first (unless disabled); when the driver lacks it, or
// an interrupt does not come in time, the remaining edges are polled. Interrupts are always
// switched off again. A failed or impossible read is an error: no partial result to act on.
Result<std::vector<RtcEdge>> read_edges(Rtc& rtc, Timebase& timebase,
                                        const EdgeReadOptions& options);

} // namespace guestclock
