#include "common/cpuid.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <cstring>
#endif

namespace guestclock {

#if defined(__x86_64__) || defined(__i386__)

std::optional<CpuidHypervisor> read_cpuid_hypervisor() {
    CpuidHypervisor result;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0) result.hypervisor_bit = (ecx >> 31) & 1U;
    if (result.hypervisor_bit) {
        // Leaf 0x40000000 is only meaningful with the hypervisor bit set.
        __cpuid(0x40000000, eax, ebx, ecx, edx);
        char signature[13] = {};
        std::memcpy(signature + 0, &ebx, 4);
        std::memcpy(signature + 4, &ecx, 4);
        std::memcpy(signature + 8, &edx, 4);
        result.signature = signature; // stops at the first NUL ("KVMKVMKVM\0\0\0")
    }
    return result;
}

std::optional<std::int64_t> cpuid_tsc_khz() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    __cpuid(0x40000000, eax, ebx, ecx, edx);
    if (eax < 0x40000010) return std::nullopt;
    __cpuid(0x40000010, eax, ebx, ecx, edx);
    if (eax == 0) return std::nullopt;
    return static_cast<std::int64_t>(eax);
}

#else

std::optional<CpuidHypervisor> read_cpuid_hypervisor() {
    return std::nullopt;
}

std::optional<std::int64_t> cpuid_tsc_khz() {
    return std::nullopt;
}

#endif

} // namespace guestclock
