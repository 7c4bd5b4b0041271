#include "rtc_resync/reference_gate.h"

#include <cstdlib>
#include <fmt/format.h>

namespace guestclock {

namespace {

std::string ms(Nanoseconds ns) {
    return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6);
}

} // namespace

GateVerdict check_reference(const std::vector<RtcEdge>& edges, const GateLimits& limits) {
    if (static_cast<int>(edges.size()) < limits.min_samples)
        return {Refusal::too_few_samples,
                fmt::format("only {} RTC edge(s), {} needed to check agreement", edges.size(),
                            limits.min_samples)};
    for (const auto& edge : edges) {
        const WindowCheck check = check_window(plausible_window(limits.evidence, edge.realtime_ns),
                                               edge.rtc_time_ns, "RTC");
        if (check.crossed == Bound::floor)
            return {Refusal::before_floor, check.reason + ": refusing"};
        if (check.crossed == Bound::ceiling)
            return {Refusal::beyond_ceiling,
                    check.reason +
                        ": refusing (if that date is right: once --force, or max_offline)"};
    }
    for (std::size_t i = 1; i < edges.size(); ++i) {
        const RtcEdge& a = edges[i - 1];
        const RtcEdge& b = edges[i];
        const Nanoseconds offset_change =
            std::abs(b.system_minus_rtc_ns() - a.system_minus_rtc_ns());
        const Nanoseconds rate_mismatch =
            std::abs((b.rtc_time_ns - a.rtc_time_ns) - (b.monoraw_ns - a.monoraw_ns));
        if (offset_change > limits.max_disagreement_ns ||
            rate_mismatch > limits.max_disagreement_ns)
            return {Refusal::samples_disagree,
                    fmt::format("consecutive RTC edges disagree by {} (offset) and {} (elapsed "
                                "time), more than {}: refusing",
                                ms(offset_change), ms(rate_mismatch),
                                ms(limits.max_disagreement_ns))};
    }
    return {};
}

} // namespace guestclock
