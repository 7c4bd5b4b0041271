#include "ptp_kvm_helper/module_load.h"

#include "ptp_kvm_helper/phc_discovery.h"

#include <fmt/format.h>

namespace guestclock {

namespace {

std::optional<PhcCandidate> kvm_phc(const std::vector<PhcCandidate>& candidates) {
    for (const auto& candidate : candidates)
        if (candidate.kind == PhcKind::kvm) return candidate;
    return std::nullopt;
}

} // namespace

LoadError describe_module_error(const Error& error) {
    switch (error.errno_value) {
    case ENOENT:
        return {
            LoadFailure::module_missing,
            "this kernel has no ptp_kvm module (CONFIG_PTP_1588_CLOCK_KVM); install its modules "
            "package or use a kernel that has it"};
    case EPERM:
        return {LoadFailure::blacklisted,
                "ptp_kvm is blacklisted in modprobe.d; remove the blacklist line to use it"};
    case EOPNOTSUPP:
        return {LoadFailure::host_refused,
                "the host refuses clock pairing (ptp_kvm: Operation not supported): the host's own "
                "clocksource must be TSC"};
    case ENODEV:
        return {LoadFailure::no_kvm_clock,
                "ptp_kvm found no KVM clock interface (No such device): kvm-clock is disabled "
                "(no-kvmclock) or this is not KVM"};
    default:
        return {LoadFailure::other, error.message()};
    }
}

std::expected<LoadReport, LoadError> load_ptp_kvm(const LoadRequest& request, ModuleLoader& loader,
                                                  DeviceFinder& finder, DeviceMonitor& monitor) {
    if (request.hypervisor.kind != Hypervisor::kvm && !request.force) {
        const std::string seen =
            request.hypervisor.cpuid_signature.empty()
                ? "no hypervisor signature"
                : "hypervisor signature \"" + request.hypervisor.cpuid_signature + "\"";
        return std::unexpected(LoadError{
            LoadFailure::not_kvm,
            fmt::format("not a KVM guest ({}); ptp_kvm needs KVM (--force loads it anyway)",
                        seen)});
    }
    auto outcome = loader.load("ptp_kvm");
    if (!outcome) return std::unexpected(describe_module_error(outcome.error()));

    auto phc = wait_for_phc(finder, &monitor, kvm_phc, request.timeout);
    if (!phc) return std::unexpected(LoadError{LoadFailure::other, phc.error().message()});
    if (const auto& found = *phc) return LoadReport{*outcome, *found};
    return std::unexpected(LoadError{
        LoadFailure::timeout,
        fmt::format("ptp_kvm is loaded but no \"KVM virtual PTP\" clock appeared within {} s",
                    to_seconds(request.timeout))});
}

} // namespace guestclock
