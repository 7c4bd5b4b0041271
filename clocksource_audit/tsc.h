// The raw TSC, read in user space, is the yardstick every clocksource is compared with. It is
// x86's: other architectures have no TSC, and nothing is measured against one there.
#pragma once

#include "common/result.h"

#include <cstdint>

namespace guestclock {

// Succeeds on x86; elsewhere ENOTSUP, naming the architecture, for the report to show.
Status tsc_readable();

// A TSC read ordered after every earlier instruction, so a pair brackets the clock read
// between them: rdtscp where the CPU has it, else lfence around rdtsc (qemu's default TCG
// CPU model, for one, lacks rdtscp). Call only after tsc_readable() succeeded.
std::uint64_t read_tsc_ordered();

} // namespace guestclock
