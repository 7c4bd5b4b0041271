#include "common/hypervisor.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/module_load.h"

#include <spdlog/spdlog.h>

namespace guestclock {

int run_load(const LoadOptions& options, PtpDevices& devices) {
    // Listen before loading, so the PHC cannot appear unseen in between.
    auto monitor = devices.open_monitor("ptp");
    if (!monitor) {
        spdlog::error("{}", monitor.error().message());
        return kExitRuntime;
    }
    const LoadRequest request{detect_hypervisor(devices.files), options.force,
                              static_cast<Nanoseconds>(options.timeout_s * 1e9)};
    auto report = load_ptp_kvm(request, devices.modules, devices.finder, **monitor);
    if (!report) {
        spdlog::error("{}", report.error().message);
        return report.error().failure == LoadFailure::not_kvm ? kExitFindings : kExitRuntime;
    }
    spdlog::info("{}; its clock is {}",
                 report->outcome == ModuleLoadOutcome::loaded ? "loaded ptp_kvm"
                                                              : "ptp_kvm was already loaded",
                 preferred_path(report->phc));
    return kExitOk;
}

} // namespace guestclock
