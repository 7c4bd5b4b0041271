// The snapshot restores and migrations a daemon saw on the vmclock page, as both correcting
// daemons count them and export them to node_exporter: <prefix>_disruptions_total and
// <prefix>_last_disruption_timestamp_seconds.
#pragma once

#include "common/textfile_metrics.h"
#include "common/time_ns.h"

#include <cstdint>
#include <string_view>

namespace guestclock {

struct DisruptionCount {
    std::uint64_t count = 0;
    Nanoseconds last_at_ns = 0; // Unix time the last one was seen

    void record(Nanoseconds now_ns) {
        ++count;
        last_at_ns = now_ns;
    }
};

// The counter always (0 before the first); the timestamp once there is one.
void add_disruption_metrics(TextfileMetrics& metrics, std::string_view prefix,
                            const DisruptionCount& disruptions);

} // namespace guestclock
