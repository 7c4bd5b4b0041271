// The vmclock inventory as the report's text lines, JSON object and textfile metrics.
#pragma once

#include "clocksource_audit/vmclock_inventory.h"
#include "common/textfile_metrics.h"

#include <nlohmann/json.hpp>
#include <string>

namespace guestclock {

// Neither offered by the hypervisor nor present as a device: JSON null, one "none" line.
bool vmclock_absent(const VmclockInventory& vmclock);
std::string format_vmclock_text(const VmclockInventory& vmclock);
nlohmann::json format_vmclock_json(const VmclockInventory& vmclock);
void add_vmclock_metrics(const VmclockInventory& vmclock, TextfileMetrics& metrics);

} // namespace guestclock
