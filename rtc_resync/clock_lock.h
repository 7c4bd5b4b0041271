// One rtc_resync moves the clock at a time. The daemon holds the lock all its life and `once`
// while it corrects, so a second daemon, or a `once` beside a running one, changes nothing and
// says who holds it; `status` and `once --dry-run` only measure and take no lock.
#pragma once

#include "common/instance_lock.h"
#include "rtc_resync/settings.h"

#include <string>
#include <variant>

namespace guestclock {

inline constexpr std::string_view kClockLockFile = "rtc_resync.lock";

// In the state directory: the one place rtc-resync.service lets the daemon write besides the
// textfile's, kept as long as the machine is.
std::string clock_lock_path(const ResyncSettings& settings);

// The held lock, or the exit code after one logged line: kExitLocked when another rtc_resync
// holds it (naming its pid), kExitRuntime when the file cannot be had at all.
std::variant<InstanceLock, int> lock_clock(const ResyncSettings& settings);

} // namespace guestclock
