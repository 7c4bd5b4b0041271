#include "clocksource_audit/backward_steps.h"

#include <algorithm>
#include <atomic>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <vector>

namespace guestclock {

namespace {

struct Shared {
    std::atomic_flag lock = ATOMIC_FLAG_INIT;
    Nanoseconds last = 0;
    std::uint64_t reads = 0;
    std::uint64_t steps = 0;
    Nanoseconds largest = 0;
};

void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

void compare_in_turn(Shared& shared, clockid_t clock, Nanoseconds end, int cpu) {
    pin_to_cpu(cpu);
    while (now_ns(CLOCK_MONOTONIC) < end) {
        for (int i = 0; i < 1000; ++i) {
            while (shared.lock.test_and_set(std::memory_order_acquire)) {
            }
            const Nanoseconds now = now_ns(clock);
            if (now < shared.last) {
                ++shared.steps;
                shared.largest = std::max(shared.largest, shared.last - now);
            }
            shared.last = now;
            ++shared.reads;
            shared.lock.clear(std::memory_order_release);
        }
    }
}

} // namespace

BackwardSteps measure_backward_steps(clockid_t clock, Nanoseconds duration) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    sched_getaffinity(0, sizeof allowed, &allowed);
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);

    Shared shared;
    const Nanoseconds end = now_ns(CLOCK_MONOTONIC) + duration;
    std::vector<std::thread> threads;
    threads.reserve(cpus.size());
    for (const int cpu : cpus)
        threads.emplace_back(compare_in_turn, std::ref(shared), clock, end, cpu);
    for (auto& thread : threads)
        thread.join();
    return BackwardSteps{shared.reads, shared.steps, shared.largest, static_cast<int>(cpus.size())};
}

} // namespace guestclock
