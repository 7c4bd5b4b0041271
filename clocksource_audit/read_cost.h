// What one clock_gettime costs, through the vDSO and through the system call, and therefore
// whether the vDSO actually served (it falls back to the syscall for clocksources it cannot
// read in user space, e.g. kvm-clock with no-kvmclock-vsyscall).
#pragma once

#include <ctime>

namespace guestclock {

struct ReadCost {
    double vdso_ns = 0;    // libc's clock_gettime, which uses the vDSO when it can
    double syscall_ns = 0; // the clock_gettime system call itself
    bool vdso = false;     // the libc path is clearly cheaper than the syscall
};

// Pure: the vDSO path reads a clock in tens of ns; a syscall costs hundreds. A libc call that
// costs more than half a syscall did not run in user space.
bool looks_like_vdso(double libc_ns, double syscall_ns);

// Minimum over a few batches of `calls` each: the minimum is the cost without interference.
ReadCost measure_read_cost(clockid_t clock, int calls = 20000, int batches = 5);

} // namespace guestclock
