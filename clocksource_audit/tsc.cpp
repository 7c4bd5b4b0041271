#include "clocksource_audit/tsc.h"

#include "common/architecture.h"

#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#else
#include <cstdlib>
#endif

namespace guestclock {

#if defined(__x86_64__) || defined(__i386__)

namespace {

bool cpu_has_rdtscp() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) == 0) return false;
    return (edx & (1U << 27)) != 0;
}

const bool g_has_rdtscp = cpu_has_rdtscp();

} // namespace

Status tsc_readable() {
    return {};
}

std::uint64_t read_tsc_ordered() {
    if (g_has_rdtscp) {
        unsigned aux = 0;
        return __rdtscp(&aux);
    }
    _mm_lfence();
    const std::uint64_t tsc = __rdtsc();
    _mm_lfence();
    return tsc;
}

#else

Status tsc_readable() {
    return fail(ENOTSUP, "no TSC on " + std::string(kBuiltArchitecture.name));
}

// Callers check tsc_readable() first; a value made up here would be a wrong measurement.
std::uint64_t read_tsc_ordered() {
    std::abort();
}

#endif

} // namespace guestclock
