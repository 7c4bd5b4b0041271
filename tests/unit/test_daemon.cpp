#include "common/daemon.h"

#include <catch2/catch.hpp>
#include <csignal>

using namespace guestclock;

TEST_CASE("periodic timers fire repeatedly until the daemon exits", "[daemon]") {
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    int fired = 0;
    auto timer = (*daemon)->add_periodic(kNsPerMs, [&] {
        if (++fired == 3) (*daemon)->exit(7);
    });
    REQUIRE(timer);
    auto code = (*daemon)->run();
    REQUIRE(code);
    REQUIRE(*code == 7);
    REQUIRE(fired == 3);
}

TEST_CASE("SIGHUP reaches the reload callback and SIGTERM ends the loop with 0", "[daemon]") {
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    int reloads = 0;
    (*daemon)->on_reload([&] {
        ++reloads;
        raise(SIGTERM);
    });
    auto timer = (*daemon)->add_periodic(kNsPerMs, [] { raise(SIGHUP); });
    REQUIRE(timer);
    auto code = (*daemon)->run();
    REQUIRE(code);
    REQUIRE(*code == 0);
    REQUIRE(reloads == 1);
}

TEST_CASE("a timer asked to fire soon does not wait out its period", "[daemon]") {
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    bool slow_fired = false;
    auto slow = (*daemon)->add_periodic(3600 * kNsPerSec, [&] {
        slow_fired = true;
        (*daemon)->exit(0);
    });
    REQUIRE(slow);
    (*slow)->fire_soon();
    REQUIRE((*daemon)->run());
    REQUIRE(slow_fired);
}
