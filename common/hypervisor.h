// Who runs this guest. On x86 the CPUID hypervisor signature (leaf 0x40000000) is what the
// kernel itself trusts; /sys/hypervisor/type covers Xen guests where CPUID may be masked.
// Without CPUID (arm64) the guest has only what the kernel exposes: a KVM PHC (ptp_kvm reaches
// the host through SMCCC, so its presence proves KVM) and the firmware's DMI strings.
#pragma once

#include "common/cpuid.h"
#include "common/enum_names.h"
#include "common/system_files.h"

#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

enum class Hypervisor { none, kvm, hyperv, vmware, xen, tcg, other };

struct HypervisorIdentity {
    bool cpuid_hypervisor_bit = false; // CPUID.1:ECX[31]
    std::string cpuid_signature;       // "KVMKVMKVM", "Microsoft Hv", ... (trailing NULs cut)
    std::string sysfs_type;            // /sys/hypervisor/type, often absent
    std::string dmi_sys_vendor;        // /sys/class/dmi/id/sys_vendor, e.g. "QEMU"
    std::string dmi_product_name;      // /sys/class/dmi/id/product_name
    bool kvm_ptp = false;              // a PHC named "KVM virtual PTP" exists
    Hypervisor kind = Hypervisor::none;
};

Hypervisor classify_hypervisor_signature(std::string_view signature);
// From DMI alone: only what names a hypervisor; bare metal has DMI too, and is none.
Hypervisor classify_dmi(std::string_view sys_vendor, std::string_view product_name);
inline constexpr std::array<EnumName<Hypervisor>, 7> kHypervisorNames{{
    {Hypervisor::none, "none"},
    {Hypervisor::kvm, "kvm"},
    {Hypervisor::hyperv, "hyperv"},
    {Hypervisor::vmware, "vmware"},
    {Hypervisor::xen, "xen"},
    {Hypervisor::tcg, "tcg"},
    {Hypervisor::other, "other"},
}};
constexpr std::string_view hypervisor_name(Hypervisor kind) {
    return name_in(kHypervisorNames, kind);
}

// Pure apart from reading files: cpuid is nullopt on architectures without CPUID, and then
// the PHC and DMI decide; with CPUID they are reported but do not override it.
HypervisorIdentity identify_hypervisor(const std::optional<CpuidHypervisor>& cpuid,
                                       const SystemFiles& files);

// Reads CPUID on this CPU (where there is one) and the files below files' root.
HypervisorIdentity detect_hypervisor(const SystemFiles& files);

} // namespace guestclock
