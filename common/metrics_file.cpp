#include "common/metrics_file.h"

#include <spdlog/spdlog.h>

namespace guestclock {

void MetricsFile::write(const TextfileMetrics& metrics) {
    auto written = metrics.write(path_);
    if (written) {
        if (last_error_) spdlog::info("writing metrics to {} again", path_.string());
        last_error_.reset();
        return;
    }
    const Error& error = written.error();
    const bool said = last_error_ && last_error_->message() == error.message();
    last_error_ = error;
    if (said) return;
    if (error.errno_value == ENOENT)
        // Images without node_exporter have no textfile directory: not a fault. Under
        // ProtectSystem=strict a directory made later is read-only to us until a restart.
        spdlog::info("{} does not exist: not writing metrics until it does",
                     path_.parent_path().string());
    else
        spdlog::warn("cannot write metrics ({}); carrying on without them", error.message());
}

} // namespace guestclock
