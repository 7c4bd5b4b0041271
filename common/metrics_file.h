// A long-running daemon's node_exporter textfile (--prometheus FILE), rewritten after each
// measurement. Metrics are a by-product: no failure to write them may stop or slow the daemon,
// nor fill its journal, so each failure is said once, when it first happens, and once more
// when writing works again.
#pragma once

#include "common/result.h"
#include "common/textfile_metrics.h"

#include <filesystem>
#include <optional>

namespace guestclock {

class MetricsFile {
  public:
    explicit MetricsFile(std::filesystem::path path) : path_(std::move(path)) {}

    // Replaces the file atomically with metrics. Never fails the caller: a failure is logged
    // and the next write tries again.
    //  - the directory does not exist (an image without node_exporter): one info line, then
    //    quiet; writing starts by itself once the directory appears;
    //  - any other failure (read-only, permissions): one warning per distinct error;
    //  - success after a failure: one info line.
    void write(const TextfileMetrics& metrics);

    // The last write's failure; nothing after a success.
    const std::optional<Error>& last_error() const { return last_error_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    std::optional<Error> last_error_;
};

} // namespace guestclock
