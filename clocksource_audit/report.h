// The audit's result and its three renderings: a report for people, JSON for programs,
// node_exporter textfile metrics for fleets.
#pragma once

#include "clocksource_audit/findings.h"
#include "clocksource_audit/inventory.h"
#include "clocksource_audit/measurement.h"
#include "common/textfile_metrics.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

struct AuditReport {
    Inventory inventory;
    std::vector<ClocksourceMeasurement> measurements;
    std::vector<Finding> findings;
    std::optional<Scenario> scenario;
    std::optional<std::int64_t> tsc_khz;
    Nanoseconds duration = 0; // of each measurement window; 0 when nothing was measured
};

// Version of the JSON layout documented in clocksource_audit(8); bumped on incompatible change.
inline constexpr int kJsonSchemaVersion = 1;

std::string format_text_report(const AuditReport& report);
nlohmann::json format_json_report(const AuditReport& report);
TextfileMetrics format_metrics(const AuditReport& report);

} // namespace guestclock
