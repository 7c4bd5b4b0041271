#include "common/daemon.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>
#include <vector>

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

namespace {

// A NOTIFY_SOCKET of the test's own, as systemd gives a Type=notify service.
class NotifySocket {
  public:
    explicit NotifySocket(const TempDir& dir) : fd_(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        const std::string path = (dir.path() / "notify").string();
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        REQUIRE(bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
        setenv("NOTIFY_SOCKET", path.c_str(), 1);
    }
    ~NotifySocket() {
        unsetenv("NOTIFY_SOCKET");
        close(fd_);
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    std::vector<std::string> messages() const {
        std::vector<std::string> received;
        char buffer[4096];
        ssize_t n;
        while ((n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT)) > 0)
            received.emplace_back(buffer, static_cast<std::size_t>(n));
        return received;
    }

  private:
    int fd_;
};

} // namespace

TEST_CASE("a reload is framed by RELOADING=1 and READY=1 for systemd", "[daemon]") {
    TempDir dir;
    NotifySocket notify(dir);
    auto daemon = Daemon::create();
    REQUIRE(daemon);
    (*daemon)->on_reload([&] { raise(SIGTERM); });
    bool hung_up = false;
    auto timer = (*daemon)->add_periodic(kNsPerMs, [&] {
        if (!std::exchange(hung_up, true)) raise(SIGHUP);
    });
    REQUIRE(timer);
    REQUIRE((*daemon)->run());
    const auto messages = notify.messages();
    REQUIRE(messages.size() == 3);
    REQUIRE(messages[0].starts_with("RELOADING=1\nMONOTONIC_USEC="));
    REQUIRE(std::stoull(messages[0].substr(messages[0].find('=', 12) + 1)) > 0);
    REQUIRE(messages[1] == "READY=1");
    REQUIRE(messages[2] == "STOPPING=1");
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
