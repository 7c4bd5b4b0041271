#include "common/hypervisor.h"

#include <cpuid.h>
#include <cstring>

namespace guestclock {

Hypervisor classify_hypervisor_signature(std::string_view signature) {
    if (signature.empty()) return Hypervisor::none;
    if (signature == "KVMKVMKVM") return Hypervisor::kvm;
    if (signature == "Microsoft Hv") return Hypervisor::hyperv;
    if (signature == "VMwareVMware") return Hypervisor::vmware;
    if (signature == "XenVMMXenVMM") return Hypervisor::xen;
    if (signature == "TCGTCGTCGTCG") return Hypervisor::tcg;
    return Hypervisor::other;
}

std::string_view hypervisor_name(Hypervisor kind) {
    switch (kind) {
    case Hypervisor::none:
        return "none";
    case Hypervisor::kvm:
        return "kvm";
    case Hypervisor::hyperv:
        return "hyperv";
    case Hypervisor::vmware:
        return "vmware";
    case Hypervisor::xen:
        return "xen";
    case Hypervisor::tcg:
        return "tcg";
    case Hypervisor::other:
        break;
    }
    return "other";
}

HypervisorIdentity detect_hypervisor(const SystemFiles& files) {
    HypervisorIdentity identity;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0)
        identity.cpuid_hypervisor_bit = (ecx >> 31) & 1U;
    if (identity.cpuid_hypervisor_bit) {
        // Leaf 0x40000000 is only meaningful with the hypervisor bit set.
        __cpuid(0x40000000, eax, ebx, ecx, edx);
        char signature[13] = {};
        std::memcpy(signature + 0, &ebx, 4);
        std::memcpy(signature + 4, &ecx, 4);
        std::memcpy(signature + 8, &edx, 4);
        identity.cpuid_signature = signature; // stops at the first NUL ("KVMKVMKVM\0\0\0")
    }
    if (auto type = files.read_line("/sys/hypervisor/type")) identity.sysfs_type = *type;
    identity.kind = classify_hypervisor_signature(identity.cpuid_signature);
    if (identity.kind == Hypervisor::none && identity.sysfs_type == "xen")
        identity.kind = Hypervisor::xen;
    return identity;
}

} // namespace guestclock
