// What kind of clock a PHC is, from what the kernel says about it (clock_name, the parent's
// driver, network interfaces), and how much we trust it as a guest's reference.
#pragma once

#include "common/device_finder.h"
#include "common/enum_names.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

// Paravirtual clocks read the host's clock; a NIC's clock follows whatever PTP network it sits
// on (or nothing at all), so it is never a VM's reference unless asked for.
enum class PhcKind { vmclock, kvm, hyperv, vmw, nic, other };

inline constexpr std::array<EnumName<PhcKind>, 6> kPhcKindNames{{
    {PhcKind::vmclock, "vmclock"},
    {PhcKind::kvm, "kvm"},
    {PhcKind::hyperv, "hyperv"},
    {PhcKind::vmw, "vmw"},
    {PhcKind::nic, "nic"},
    {PhcKind::other, "other"},
}};
constexpr std::string_view phc_kind_name(PhcKind kind) {
    return name_in(kPhcKindNames, kind);
}
bool is_paravirtual(PhcKind kind);

// clock_name as the drivers register it: "KVM virtual PTP" (ptp_kvm), "hyperv" (hv_utils),
// "ptp_vmw" (VMware precision clock), "vmclockN" (ptp_vmclock, Linux 6.13+). A clock with
// network interfaces is a NIC's, whatever its name.
PhcKind classify_phc(std::string_view clock_name, bool has_network_interfaces);

// The stable symlink our udev rule gives each paravirtual kind ("/dev/ptp_kvm", ...).
std::optional<std::string> stable_symlink(PhcKind kind);

struct PhcCandidate {
    DeviceInfo device;
    PhcKind kind = PhcKind::other;
};

std::vector<PhcCandidate> classify_phcs(const std::vector<DeviceInfo>& devices);

// The best clock to follow: paravirtual kinds first, in the order vmclock (reports migrations
// and error bounds), kvm (host clock by hypercall), hyperv, vmw; then, only with allow_nic,
// NIC and unknown clocks. Ties go to the lowest ptpN. nullopt when none qualifies.
std::optional<PhcCandidate> select_phc(const std::vector<PhcCandidate>& candidates, bool allow_nic);

// The path to hand to chrony or to open: the stable symlink when udev made it (it survives
// renumbering), else the device node.
std::string preferred_path(const PhcCandidate& candidate);

} // namespace guestclock
