#include "common/disruption_metrics.h"

#include <string>

namespace guestclock {

void add_disruption_metrics(TextfileMetrics& metrics, std::string_view prefix,
                            const DisruptionCount& disruptions) {
    const std::string total = std::string(prefix) + "_disruptions_total";
    metrics.describe(total,
                     "Snapshot restores and migrations the vmclock page reported since the "
                     "daemon started.",
                     "counter");
    metrics.add(total, static_cast<double>(disruptions.count));
    if (disruptions.count > 0)
        metrics.gauge(std::string(prefix) + "_last_disruption_timestamp_seconds",
                      "Unix time the vmclock page last reported a restore or migration.",
                      timestamp_seconds(disruptions.last_at_ns));
}

} // namespace guestclock
