// Stands in for systemd's notification socket: sd_notify() sends here while it lives, so a
// test reads the READY, STATUS and WATCHDOG lines a daemon sent.
#pragma once

#include "common/file_descriptor.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>

class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path)
        : fd_(socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        if (bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
            setenv("NOTIFY_SOCKET", path.c_str(), 1);
    }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;
    ~NotifySocket() { unsetenv("NOTIFY_SOCKET"); }

    // Every message received since the last call, one after another.
    std::string received() {
        std::string all;
        char buffer[4096];
        for (;;) {
            const ssize_t n = recv(fd_.get(), buffer, sizeof buffer, 0);
            if (n <= 0) return all;
            all.append(buffer, static_cast<size_t>(n)).push_back('\n');
        }
    }

  private:
    guestclock::FileDescriptor fd_;
};
