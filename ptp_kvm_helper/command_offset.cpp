#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/offset_statistics.h"
#include "ptp_kvm_helper/phc_discovery.h"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace guestclock {

int run_offset(const OffsetOptions& options, PtpDevices& devices) {
    auto path = phc_path(devices.finder, options.device, options.allow_nic);
    if (!path) {
        spdlog::error("{}", path.error().message());
        return kExitFindings;
    }
    auto phc = devices.open_phc(*path);
    auto reading = phc ? read_phc_offset(**phc, options.count) : std::unexpected(phc.error());
    if (!reading) {
        spdlog::error("{}", reading.error().message());
        return kExitRuntime;
    }
    const SystemMinusPhcStatistics stats = summarize_system_minus_phc(reading->samples);
    const std::string_view method = phc_method_name(reading->method);
    if (options.json) {
        std::cout << nlohmann::json{{"device", *path},
                                    {"method", method},
                                    {"samples", stats.count},
                                    {"system_minus_phc_ns", stats.median_ns},
                                    {"system_minus_phc_min_ns", stats.min_ns},
                                    {"system_minus_phc_max_ns", stats.max_ns},
                                    // Deprecated, kept for their readers: PHC minus system.
                                    {"offset_ns", -stats.median_ns},
                                    {"offset_min_ns", -stats.max_ns},
                                    {"offset_max_ns", -stats.min_ns},
                                    {"offset_stddev_ns", stats.stddev_ns},
                                    {"delay_ns", stats.median_delay_ns}}
                         .dump(2)
                  << '\n';
        return kExitOk;
    }
    fmt::print("{}: CLOCK_REALTIME minus PHC by {} ({} samples)\n", *path, method, stats.count);
    fmt::print("  offset median {} ns, min {} ns, max {} ns, stddev {:.0f} ns\n", stats.median_ns,
               stats.min_ns, stats.max_ns, stats.stddev_ns);
    fmt::print("  read delay median {} ns\n", stats.median_delay_ns);
    return kExitOk;
}

} // namespace guestclock
