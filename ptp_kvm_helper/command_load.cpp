#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/hypervisor.h"
#include "common/module_loader.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/module_load.h"

#include <spdlog/spdlog.h>

namespace guestclock {

int run_load(const LoadOptions& options) {
    // Listen before loading, so the PHC cannot appear unseen in between.
    auto monitor = UdevDeviceMonitor::open("ptp");
    if (!monitor) {
        spdlog::error("{}", monitor.error().message());
        return kExitRuntime;
    }
    KmodModuleLoader loader;
    UdevDeviceFinder finder;
    const LoadRequest request{detect_hypervisor(SystemFiles("/")), options.force,
                              static_cast<Nanoseconds>(options.timeout_s * 1e9)};
    auto report = load_ptp_kvm(request, loader, finder, **monitor);
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
