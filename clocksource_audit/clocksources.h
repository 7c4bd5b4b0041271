// The kernel's clocksources (sysfs) and switching between them, always undone.
#pragma once

#include "clocksource_audit/restore_watcher.h"
#include "common/system_files.h"

#include <optional>
#include <string>
#include <vector>

namespace guestclock {

inline constexpr const char* kClocksourceDir = "/sys/devices/system/clocksource/clocksource0";

struct ClocksourceList {
    std::string current;
    std::vector<std::string> available;
};

// available_clocksource is one line of names separated by spaces.
std::vector<std::string> parse_available_clocksources(std::string_view text);

Result<ClocksourceList> read_clocksources(const SystemFiles& files);

// Switches current_clocksource and restores the original when destroyed, on every path that
// unwinds (return, exception, and SIGINT/SIGTERM, which the audit turns into an unwind). On the
// paths that do not (SIGKILL, a crash), a RestoreWatcher started before the first switch does.
class ClocksourceSwitch {
  public:
    explicit ClocksourceSwitch(const SystemFiles& files) : files_(files) {}
    ClocksourceSwitch(const ClocksourceSwitch&) = delete;
    ClocksourceSwitch& operator=(const ClocksourceSwitch&) = delete;
    ~ClocksourceSwitch();

    // Writes the name and reads it back: the kernel silently keeps another clocksource when
    // the one asked for is unstable or unknown, which is an error here. No switch happens
    // unless the watcher could be started.
    Status switch_to(const std::string& name);
    // Puts the original back now (the destructor does it too); true when nothing is left to do.
    Status restore();

  private:
    const SystemFiles& files_;
    std::string original_;
    std::optional<RestoreWatcher> watcher_; // while original_ is set
};

} // namespace guestclock
