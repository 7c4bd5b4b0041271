#include "common/daemon.h"
#include "tests/unit/notify_socket.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <utility>

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

TEST_CASE("a reload is framed by RELOADING=1 and READY=1 for systemd", "[daemon]") {
    TempDir dir;
    NotifySocket notify(dir.path() / "notify");
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    (*daemon)->on_reload([&] { raise(SIGTERM); });
    bool hung_up = false;
    auto timer = (*daemon)->add_periodic(kNsPerMs, [&] {
        if (!std::exchange(hung_up, true)) raise(SIGHUP);
    });
    REQUIRE(timer);
    REQUIRE((*daemon)->run());
    // One message a line: RELOADING=1 and MONOTONIC_USEC= are one datagram's two lines.
    const std::string sent = notify.received();
    REQUIRE(sent.starts_with("RELOADING=1\nMONOTONIC_USEC="));
    const auto usec = sent.substr(sent.find("MONOTONIC_USEC=") + 15);
    REQUIRE(std::stoull(usec) > 0);
    REQUIRE(usec.substr(usec.find('\n')) == "\nREADY=1\nSTOPPING=1\n");
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
