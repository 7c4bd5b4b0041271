// Whole-file replacement that readers never see half-written (node_exporter's textfile
// collector, chrony's conf.d, state under /var/lib/guestclock).
#pragma once

#include "common/result.h"

#include <filesystem>
#include <string_view>

namespace guestclock {

// Writes a temporary file beside the target, fsyncs it and renames it over the target.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             unsigned mode = 0644);

} // namespace guestclock
