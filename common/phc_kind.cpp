#include "common/phc_kind.h"

#include <algorithm>
#include <cstdlib>

namespace guestclock {

bool is_paravirtual(PhcKind kind) {
    return kind != PhcKind::nic && kind != PhcKind::other;
}

PhcKind classify_phc(std::string_view clock_name, bool has_network_interfaces) {
    if (has_network_interfaces) return PhcKind::nic;
    if (clock_name == "KVM virtual PTP") return PhcKind::kvm;
    if (clock_name == "hyperv") return PhcKind::hyperv;
    if (clock_name == "ptp_vmw") return PhcKind::vmw;
    if (clock_name.starts_with("vmclock")) return PhcKind::vmclock;
    return PhcKind::other;
}

std::optional<std::string> stable_symlink(PhcKind kind) {
    if (!is_paravirtual(kind)) return std::nullopt;
    return "/dev/ptp_" + std::string(phc_kind_name(kind));
}

std::vector<PhcCandidate> classify_phcs(const std::vector<DeviceInfo>& devices) {
    std::vector<PhcCandidate> candidates;
    for (const auto& device : devices) {
        const auto name = device.attributes.find("clock_name");
        const std::string clock_name = name != device.attributes.end() ? name->second : "";
        candidates.push_back(
            {device, classify_phc(clock_name, !device.network_interfaces.empty())});
    }
    return candidates;
}

namespace {

// Lower is better; the enum lists kinds in order of trust.
int rank(PhcKind kind) {
    return static_cast<int>(kind);
}

// "ptp10" after "ptp9": compare the number, not the text.
long device_number(const std::string& sysname) {
    const auto digits = sysname.find_first_of("0123456789");
    if (digits == std::string::npos) return -1;
    return std::strtol(sysname.c_str() + digits, nullptr, 10);
}

} // namespace

std::optional<PhcCandidate> select_phc(const std::vector<PhcCandidate>& candidates,
                                       bool allow_nic) {
    std::optional<PhcCandidate> best;
    for (const auto& candidate : candidates) {
        if (!allow_nic && !is_paravirtual(candidate.kind)) continue;
        if (!best || rank(candidate.kind) < rank(best->kind) ||
            (candidate.kind == best->kind &&
             device_number(candidate.device.sysname) < device_number(best->device.sysname)))
            best = candidate;
    }
    return best;
}

std::string preferred_path(const PhcCandidate& candidate) {
    if (const auto link = stable_symlink(candidate.kind);
        link &&
        std::ranges::find(candidate.device.symlinks, *link) != candidate.device.symlinks.end())
        return *link;
    return candidate.device.devnode;
}

} // namespace guestclock
