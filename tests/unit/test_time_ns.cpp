#include "common/time_ns.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("timespec conversion keeps nanoseconds exactly", "[time]") {
    const Nanoseconds t = 1'763'768'000'123'456'789;
    REQUIRE(to_ns(to_timespec(t)) == t);
    REQUIRE(to_timespec(t).tv_nsec == 123'456'789);
}

TEST_CASE("negative offsets normalise to a non-negative tv_nsec", "[time]") {
    // ADJ_SETOFFSET rejects a negative tv_nsec: -1.25 s must become {-2 s, 0.75 s}.
    const timespec ts = to_timespec(-1'250'000'000);
    REQUIRE(ts.tv_sec == -2);
    REQUIRE(ts.tv_nsec == 750'000'000);
    REQUIRE(to_ns(ts) == -1'250'000'000);
    REQUIRE(to_timespec(-kNsPerSec).tv_sec == -1);
    REQUIRE(to_timespec(-kNsPerSec).tv_nsec == 0);
}
