// The raw TSC, read in user space, is the yardstick every clocksource is compared with.
#pragma once

#include <cstdint>

namespace guestclock {

// A TSC read ordered after every earlier instruction, so a pair brackets the clock read
// between them: rdtscp where the CPU has it, else lfence around rdtsc (qemu's default TCG
// CPU model, for one, lacks rdtscp).
std::uint64_t read_tsc_ordered();

} // namespace guestclock
