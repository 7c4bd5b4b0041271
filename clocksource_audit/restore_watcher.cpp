#include "clocksource_audit/restore_watcher.h"

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <initializer_list>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace guestclock {

namespace {

constexpr char kDismissed = 'd';
constexpr int kFromParent = 3;

// The watcher's whole life. Only we hold the pipe's write end (O_CLOEXEC keeps it from any
// program we run), so EOF without the dismissal byte means we died, however that happened.
[[noreturn]] void watch(int from_parent, const SystemFiles& files, const std::string& path,
                        const std::string& original) {
    // Ctrl-C, a hangup or systemd's SIGTERM reach the whole process group or cgroup: the
    // watcher must outlive the audit to be of any use.
    for (const int signo : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
        signal(signo, SIG_IGN);
    // Keep stderr and the pipe only: no device or pipe of the audit's stays open after it.
    dup2(from_parent, kFromParent);
    close_range(kFromParent + 1, ~0U, 0);

    char byte = 0;
    ssize_t n = 0;
    do
        n = read(kFromParent, &byte, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1 && byte == kDismissed) _exit(0);

    auto written = files.write(path, original);
    if (written && files.read_line(path) != original)
        written = fail(0, "the kernel kept another value");
    if (!written) {
        spdlog::error("the audit ended without restoring {}, nor could its watcher ({}); "
                      "restore it with: echo {} > {}",
                      path, written.error().message(), original, path);
        _exit(1);
    }
    spdlog::warn("the audit ended without restoring {}; its watcher put back {}", path, original);
    _exit(0);
}

} // namespace

Result<RestoreWatcher> RestoreWatcher::start(const SystemFiles& files, const std::string& path,
                                             const std::string& original) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return fail_errno("pipe for the restore watcher");
    FileDescriptor from_parent(ends[0]);
    FileDescriptor to_watcher(ends[1]);
    // Otherwise output buffered so far could be written twice, once by the watcher.
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return fail_errno("fork the restore watcher");
    if (pid == 0) watch(from_parent.get(), files, path, original);
    return RestoreWatcher(std::move(to_watcher), pid);
}

RestoreWatcher::RestoreWatcher(FileDescriptor to_watcher, pid_t pid)
    : to_watcher_(std::move(to_watcher)), pid_(pid) {}

RestoreWatcher::RestoreWatcher(RestoreWatcher&& other) noexcept
    : to_watcher_(std::move(other.to_watcher_)), pid_(std::exchange(other.pid_, -1)) {}

RestoreWatcher::~RestoreWatcher() {
    stop();
}

void RestoreWatcher::dismiss() {
    if (pid_ < 0) return;
    // Should the byte not get through, the watcher sees EOF and writes the original once
    // more, which is in place already: no harm.
    const char byte = kDismissed;
    if (write(to_watcher_.get(), &byte, 1) != 1)
        spdlog::debug("could not dismiss the restore watcher; it will restore once more");
    stop();
}

void RestoreWatcher::stop() {
    if (pid_ < 0) return;
    to_watcher_.reset();
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

} // namespace guestclock
