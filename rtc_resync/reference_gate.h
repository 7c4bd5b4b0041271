// The sanity gate between an RTC reading and any change to the clock: an implausible reference
// must never move the clock. Refuses readings outside the plausible window
// (common/plausible_time.h: before the build date, --min-time or the last good time; beyond what
// max_offline allows), and edges that disagree with each other (an RTC that jumps or a reader
// preempted mid-measurement).
#pragma once

#include "common/enum_names.h"
#include "common/plausible_time.h"
#include "common/rtc_edges.h"

#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct GateLimits {
    // The plausible window is derived from this at each edge, with the edge's system time.
    TimeEvidence evidence;
    // Largest difference between consecutive edges' offsets, and between the RTC's and
    // CLOCK_MONOTONIC_RAW's count of time from one edge to the next.
    Nanoseconds max_disagreement_ns = 50 * kNsPerMs;
    int min_samples = 2;
};

// Why a reading or a correction was refused. The last two come from the correction policy,
// not the gate, but share the list so that each refusal has one name and one exit code.
enum class Refusal {
    none,
    before_floor,
    beyond_ceiling,
    samples_disagree,
    too_few_samples,
    circular_reference,
    too_large_to_slew,
};
inline constexpr std::array<EnumName<Refusal>, 7> kRefusalNames{{
    {Refusal::none, "none"},
    {Refusal::before_floor, "before_floor"},
    {Refusal::beyond_ceiling, "beyond_ceiling"},
    {Refusal::samples_disagree, "samples_disagree"},
    {Refusal::too_few_samples, "too_few_samples"},
    {Refusal::circular_reference, "circular_reference"},
    {Refusal::too_large_to_slew, "too_large_to_slew"},
}};
constexpr std::string_view refusal_name(Refusal refusal) {
    return name_in(kRefusalNames, refusal);
}

struct GateVerdict {
    Refusal refusal = Refusal::none;
    std::string reason; // one sentence for the log, empty when accepted

    bool accepted() const { return refusal == Refusal::none; }
};

GateVerdict check_reference(const std::vector<RtcEdge>& edges, const GateLimits& limits);

} // namespace guestclock
