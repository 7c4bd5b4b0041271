#include "ptp_kvm_helper/phc_discovery.h"

namespace guestclock {

Result<std::vector<PhcCandidate>> list_phcs(DeviceFinder& finder) {
    auto devices = finder.enumerate("ptp", {"clock_name"});
    if (!devices) return std::unexpected(devices.error());
    return classify_phcs(*devices);
}

Result<std::string> phc_path(DeviceFinder& finder, const std::string& device, bool allow_nic) {
    if (!device.empty()) return device;
    auto candidates = list_phcs(finder);
    if (!candidates) return std::unexpected(candidates.error());
    auto chosen = select_phc(*candidates, allow_nic);
    if (!chosen) return fail(ENODEV, "no paravirtual PHC (see ptp_kvm_helper load)");
    return preferred_path(*chosen);
}

Result<std::optional<PhcCandidate>> wait_for_phc(DeviceFinder& finder, DeviceMonitor* monitor,
                                                 const PhcChooser& choose, Nanoseconds timeout) {
    const Nanoseconds deadline = now_ns(CLOCK_MONOTONIC) + timeout;
    for (;;) {
        auto candidates = list_phcs(finder);
        if (!candidates) return std::unexpected(candidates.error());
        if (auto chosen = choose(*candidates)) return chosen;
        const Nanoseconds left = deadline - now_ns(CLOCK_MONOTONIC);
        if (monitor == nullptr || left <= 0) return std::nullopt;
        auto event = monitor->wait(left);
        if (!event) return std::unexpected(event.error());
        if (!*event) return std::nullopt; // timed out with nothing new
    }
}

} // namespace guestclock
