#include "clocksource_audit/read_cost.h"

#include "common/time_ns.h"

#include <algorithm>
#include <sys/syscall.h>
#include <unistd.h>

namespace guestclock {

namespace {

template <class Read> double cost_per_call(Read read, int calls, int batches) {
    double best = 1e18;
    for (int b = 0; b < batches; ++b) {
        const Nanoseconds start = now_ns(CLOCK_MONOTONIC_RAW);
        for (int i = 0; i < calls; ++i)
            read();
        const Nanoseconds elapsed = now_ns(CLOCK_MONOTONIC_RAW) - start;
        best = std::min(best, static_cast<double>(elapsed) / calls);
    }
    return best;
}

} // namespace

bool looks_like_vdso(double libc_ns, double syscall_ns) {
    return libc_ns < 0.5 * syscall_ns;
}

ReadCost measure_read_cost(clockid_t clock, int calls, int batches) {
    timespec ts{};
    ReadCost cost;
    cost.vdso_ns = cost_per_call([&] { clock_gettime(clock, &ts); }, calls, batches);
    cost.syscall_ns =
        cost_per_call([&] { syscall(SYS_clock_gettime, clock, &ts); }, calls, batches);
    cost.vdso = looks_like_vdso(cost.vdso_ns, cost.syscall_ns);
    return cost;
}

} // namespace guestclock
