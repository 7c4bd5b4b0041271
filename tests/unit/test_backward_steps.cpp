#include "clocksource_audit/backward_steps.h"

#include <catch2/catch.hpp>
#include <sched.h>

using namespace guestclock;

// The one place a tool runs threads (a reader pinned to every allowed CPU, sharing one
// lock-guarded "latest time"): the sanitize tier runs this case under ThreadSanitizer too.
TEST_CASE("backward steps: a reader per CPU, every read counted, CLOCK_MONOTONIC never back",
          "[audit][threads]") {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    REQUIRE(sched_getaffinity(0, sizeof allowed, &allowed) == 0);
    const auto result = measure_backward_steps(CLOCK_MONOTONIC, 50 * kNsPerMs);
    CHECK(result.cpus == CPU_COUNT(&allowed));
    CHECK(result.reads >= 1000 * static_cast<std::uint64_t>(result.cpus));
    CHECK(result.steps == 0);
    CHECK(result.largest_ns == 0);
}
