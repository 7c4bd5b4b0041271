// The architecture this program was built for. CPUID, the TSC and kvm-clock are x86's: elsewhere
// the tools answer "not on this architecture" rather than guess. The one place that asks the
// compiler which architecture it targets.
#pragma once

#include <string_view>

namespace guestclock {

struct Architecture {
    std::string_view name; // as uname -m prints it
    bool x86 = false;      // CPUID, TSC and kvm-clock exist
};

inline constexpr Architecture kX86_64{"x86_64", true};
inline constexpr Architecture kAarch64{"aarch64", false};

#if defined(__x86_64__)
inline constexpr Architecture kBuiltArchitecture = kX86_64;
#elif defined(__i386__)
inline constexpr Architecture kBuiltArchitecture{"i386", true};
#elif defined(__aarch64__)
inline constexpr Architecture kBuiltArchitecture = kAarch64;
#else
inline constexpr Architecture kBuiltArchitecture{"this architecture", false};
#endif

} // namespace guestclock
