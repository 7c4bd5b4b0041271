// Whole-file replacement that readers never see half-written (node_exporter's textfile
// collector, chrony's conf.d, state under /var/lib/guestclock), safe for root to do in a
// directory where someone else might have planted names.
#pragma once

#include "common/result.h"

#include <filesystem>
#include <string_view>

namespace guestclock {

// Writes a temporary file with an unguessable name beside the target, gives it `mode` (exactly:
// the umask does not apply), fsyncs it and renames it over the target, then fsyncs the
// directory. Whenever the writer is killed, the target holds the old content or the new one.
// Never writes through a symbolic link: a link at the target's name is itself replaced.
// Refuses (EPERM) a directory whose contents someone other than root or the caller could
// change: one owned by another user, or writable by others (or a group other than root's or
// ours) without the sticky bit.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             unsigned mode = 0644);

} // namespace guestclock
