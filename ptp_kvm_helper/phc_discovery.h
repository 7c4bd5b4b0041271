// Finding PHCs through udev, now or as they appear: what `list`, `select`, `load` and `sync`
// share.
#pragma once

#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/phc_kind.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

// Every PHC with its kind.
Result<std::vector<PhcCandidate>> list_phcs(DeviceFinder& finder);

// The PHC to read: device when one is given, else the best that udev knows now (a NIC's only
// with allow_nic), by its stable name when it has one. ENODEV when there is none.
Result<std::string> phc_path(DeviceFinder& finder, const std::string& device, bool allow_nic);

using PhcChooser =
    std::function<std::optional<PhcCandidate>(const std::vector<PhcCandidate>& candidates)>;

// Enumerates and asks choose; while it finds nothing, waits for udev events (up to timeout in
// all) and asks again. monitor may be null: then only the first enumeration counts. nullopt on
// timeout.
Result<std::optional<PhcCandidate>> wait_for_phc(DeviceFinder& finder, DeviceMonitor* monitor,
                                                 const PhcChooser& choose, Nanoseconds timeout);

} // namespace guestclock
