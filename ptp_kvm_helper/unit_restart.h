// Restarts a systemd unit over D-Bus (sd-bus), so that chronyd rereads its configuration.
#pragma once

#include "common/result.h"

#include <string_view>

namespace guestclock {

// TryRestartUnit: restarts the unit only if it runs. Fails with the bus's errno when there is
// no systemd to ask (connect_to_systemd) or the unit does not exist (ENOENT).
Status try_restart_unit(std::string_view unit);

} // namespace guestclock
