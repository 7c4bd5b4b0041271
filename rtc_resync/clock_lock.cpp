#include "rtc_resync/clock_lock.h"

#include "rtc_resync/exit_codes.h"

#include <filesystem>
#include <spdlog/spdlog.h>

namespace guestclock {

std::string clock_lock_path(const ResyncSettings& settings) {
    return settings.state_directory + "/" + std::string(kClockLockFile);
}

std::variant<InstanceLock, int> lock_clock(const ResyncSettings& settings) {
    const std::string path = clock_lock_path(settings);
    std::error_code ec;
    std::filesystem::create_directories(settings.state_directory, ec);
    auto lock = InstanceLock::take(path);
    if (lock) return std::move(*lock);
    if (lock.error().errno_value != EWOULDBLOCK) {
        spdlog::error("{}; nothing changed", lock.error().message());
        return kExitRuntime;
    }
    const auto holder = read_lock_holder(path);
    spdlog::error("another rtc_resync ({}) is correcting this clock (it holds {}); nothing changed",
                  holder ? "pid " + std::to_string(*holder) : "pid unknown", path);
    return kExitLocked;
}

} // namespace guestclock
