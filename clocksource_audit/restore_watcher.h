// A process that puts a sysfs value back if we die without doing it ourselves: SIGKILL, the
// OOM killer or a crash unwinds nothing, and would leave the machine on another clocksource.
#pragma once

#include "common/file_descriptor.h"
#include "common/result.h"
#include "common/system_files.h"

#include <string>
#include <sys/types.h>

namespace guestclock {

class RestoreWatcher {
  public:
    // Forks the watcher, which writes `original` to `path` through `files` once we are gone,
    // unless dismissed first. Start it before changing the value: from then on, dying at any
    // instant leaves the value restored. Fork while no other thread runs.
    static Result<RestoreWatcher> start(const SystemFiles& files, const std::string& path,
                                        const std::string& original);

    RestoreWatcher(RestoreWatcher&& other) noexcept;
    RestoreWatcher& operator=(RestoreWatcher&&) = delete;
    RestoreWatcher(const RestoreWatcher&) = delete;
    RestoreWatcher& operator=(const RestoreWatcher&) = delete;
    // Without dismiss(): the watcher writes the original now, one more try after ours failed.
    ~RestoreWatcher();

    // The value is back: the watcher exits without writing. Returns once it has.
    void dismiss();

  private:
    RestoreWatcher(FileDescriptor to_watcher, pid_t pid);
    void stop();

    FileDescriptor to_watcher_;
    pid_t pid_ = -1;
};

} // namespace guestclock
