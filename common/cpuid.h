// CPUID, x86's way of asking the CPU (and the hypervisor behind it) what it is. Other
// architectures have no such instruction: every answer here is then nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace guestclock {

struct CpuidHypervisor {
    bool hypervisor_bit = false; // CPUID.1:ECX[31]
    std::string signature;       // leaf 0x40000000: "KVMKVMKVM", "Microsoft Hv", ... (NULs cut)
};

// nullopt where there is no CPUID (not x86).
std::optional<CpuidHypervisor> read_cpuid_hypervisor();

// The TSC frequency KVM and VMware publish in leaf 0x40000010, in kHz; meaningful only with
// the hypervisor bit set. nullopt without the leaf, or without CPUID.
std::optional<std::int64_t> cpuid_tsc_khz();

} // namespace guestclock
