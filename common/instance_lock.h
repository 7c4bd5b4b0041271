// One running instance at a time, as chronyd's pid file and util-linux's hwclock lock do it: an
// exclusive, non-blocking flock(2) on a small file that names its holder. The kernel drops the
// lock when the holder's last descriptor closes, however it ends (SIGKILL included), so a file
// left behind never blocks the next start.
#pragma once

#include "common/file_descriptor.h"
#include "common/result.h"

#include <filesystem>
#include <optional>
#include <string_view>
#include <sys/types.h>

namespace guestclock {

class InstanceLock {
  public:
    // Opens or creates `path` (never through a symbolic link, a regular file only, mode 0644
    // whatever the umask), locks it and writes our pid into it. EWOULDBLOCK when another
    // process holds it: read_lock_holder then says which.
    static Result<InstanceLock> take(const std::filesystem::path& path);

  private:
    explicit InstanceLock(FileDescriptor fd) : fd_(std::move(fd)) {}
    FileDescriptor fd_; // the lock lives as long as this descriptor
};

// The pid a lock file's text names; none when the text is not one pid (a holder that has not
// written it yet, or a file someone else wrote).
std::optional<pid_t> parse_lock_holder(std::string_view text);

// The pid the lock file at `path` names, read without following a link.
std::optional<pid_t> read_lock_holder(const std::filesystem::path& path);

} // namespace guestclock
