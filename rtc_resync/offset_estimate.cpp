#include "rtc_resync/offset_estimate.h"

#include <algorithm>
#include <cstdlib>

namespace guestclock {

Result<OffsetEstimate> estimate_offset(const std::vector<RtcEdge>& edges) {
    if (edges.empty()) return fail(EINVAL, "no RTC edges to estimate an offset from");
    std::vector<Nanoseconds> offsets;
    offsets.reserve(edges.size());
    for (const auto& edge : edges)
        offsets.push_back(edge.system_minus_rtc_ns());
    std::ranges::sort(offsets);
    const std::size_t middle = offsets.size() / 2;
    // Halved separately, so two offsets near the int64 limits cannot overflow.
    const Nanoseconds median = offsets.size() % 2 == 1
                                   ? offsets[middle]
                                   : offsets[middle - 1] / 2 + offsets[middle] / 2 +
                                         (offsets[middle - 1] % 2 + offsets[middle] % 2) / 2;
    Nanoseconds spread = 0;
    Nanoseconds widest = 0;
    for (const auto& edge : edges) {
        spread = std::max(spread, std::abs(edge.system_minus_rtc_ns() - median));
        widest = std::max(widest, edge.uncertainty_ns);
    }
    const RtcEdge& last = edges.back();
    return OffsetEstimate{median,      spread + widest,  static_cast<int>(edges.size()),
                          last.method, last.rtc_time_ns, last.monoraw_ns};
}

} // namespace guestclock
