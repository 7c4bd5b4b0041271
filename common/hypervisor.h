// Who runs this guest: the CPUID hypervisor signature (leaf 0x40000000) is what the kernel
// itself trusts; /sys/hypervisor/type covers Xen guests where CPUID may be masked.
#pragma once

#include "common/system_files.h"

#include <string>
#include <string_view>

namespace guestclock {

enum class Hypervisor { none, kvm, hyperv, vmware, xen, tcg, other };

struct HypervisorIdentity {
    bool cpuid_hypervisor_bit = false; // CPUID.1:ECX[31]
    std::string cpuid_signature;       // "KVMKVMKVM", "Microsoft Hv", ... (trailing NULs cut)
    std::string sysfs_type;            // /sys/hypervisor/type, often absent
    Hypervisor kind = Hypervisor::none;
};

Hypervisor classify_hypervisor_signature(std::string_view signature);
std::string_view hypervisor_name(Hypervisor kind);

// Reads CPUID on this CPU and the sysfs file below files' root.
HypervisorIdentity detect_hypervisor(const SystemFiles& files);

} // namespace guestclock
