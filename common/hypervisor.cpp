#include "common/hypervisor.h"

namespace guestclock {

namespace {

// The name the kernel's ptp_kvm driver gives its clock on every architecture.
constexpr std::string_view kKvmPtpName = "KVM virtual PTP";

bool has_kvm_ptp(const SystemFiles& files) {
    auto clocks = files.list("/sys/class/ptp");
    if (!clocks) return false;
    for (const auto& clock : *clocks) {
        auto name = files.read_line("/sys/class/ptp/" + clock + "/clock_name");
        if (name && *name == kKvmPtpName) return true;
    }
    return false;
}

std::string read_or_empty(const SystemFiles& files, std::string_view path) {
    auto line = files.read_line(path);
    return line ? *line : std::string();
}

} // namespace

Hypervisor classify_hypervisor_signature(std::string_view signature) {
    if (signature.empty()) return Hypervisor::none;
    if (signature == "KVMKVMKVM") return Hypervisor::kvm;
    if (signature == "Microsoft Hv") return Hypervisor::hyperv;
    if (signature == "VMwareVMware") return Hypervisor::vmware;
    if (signature == "XenVMMXenVMM") return Hypervisor::xen;
    if (signature == "TCGTCGTCGTCG") return Hypervisor::tcg;
    return Hypervisor::other;
}

Hypervisor classify_dmi(std::string_view sys_vendor, std::string_view product_name) {
    // qemu's arm virt board says "KVM Virtual Machine" only when KVM runs it; under TCG (or
    // another accelerator) it says "QEMU Virtual Machine", which is no more than "a qemu".
    if (product_name == "KVM Virtual Machine" || sys_vendor == "KVM") return Hypervisor::kvm;
    if (sys_vendor == "Microsoft Corporation" && product_name == "Virtual Machine")
        return Hypervisor::hyperv;
    if (sys_vendor.starts_with("VMware")) return Hypervisor::vmware;
    if (sys_vendor == "Xen") return Hypervisor::xen;
    if (sys_vendor == "QEMU") return Hypervisor::other;
    return Hypervisor::none;
}

HypervisorIdentity identify_hypervisor(const std::optional<CpuidHypervisor>& cpuid,
                                       const SystemFiles& files) {
    HypervisorIdentity identity;
    if (cpuid) {
        identity.cpuid_hypervisor_bit = cpuid->hypervisor_bit;
        identity.cpuid_signature = cpuid->signature;
    }
    identity.sysfs_type = read_or_empty(files, "/sys/hypervisor/type");
    identity.dmi_sys_vendor = read_or_empty(files, "/sys/class/dmi/id/sys_vendor");
    identity.dmi_product_name = read_or_empty(files, "/sys/class/dmi/id/product_name");
    identity.kvm_ptp = has_kvm_ptp(files);

    identity.kind = classify_hypervisor_signature(identity.cpuid_signature);
    if (identity.kind == Hypervisor::none && identity.sysfs_type == "xen")
        identity.kind = Hypervisor::xen;
    if (cpuid || identity.kind != Hypervisor::none) return identity;
    identity.kind = identity.kvm_ptp
                        ? Hypervisor::kvm
                        : classify_dmi(identity.dmi_sys_vendor, identity.dmi_product_name);
    return identity;
}

HypervisorIdentity detect_hypervisor(const SystemFiles& files) {
    return identify_hypervisor(read_cpuid_hypervisor(), files);
}

} // namespace guestclock
