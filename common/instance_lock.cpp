#include "common/instance_lock.h"

#include "common/trim.h"

#include <charconv>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace guestclock {

Result<InstanceLock> InstanceLock::take(const std::filesystem::path& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) return fail_errno("cannot open the lock file " + path.string());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail_errno("cannot stat " + path.string());
    // A FIFO or device planted at the name would make our pid write block or land elsewhere.
    if (!S_ISREG(st.st_mode)) return fail(EINVAL, path.string() + " is not a regular file");
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
        return fail_errno("cannot lock " + path.string());
    // Readers of the holder's pid are told the truth only by the holder: write it once locked.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::fchmod(fd.get(), 0644) != 0 || ::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        return fail_errno("cannot write our pid into " + path.string());
    return InstanceLock(std::move(fd));
}

std::optional<pid_t> parse_lock_holder(std::string_view text) {
    if (text.ends_with('\n')) text.remove_suffix(1);
    text = trim_blanks(text);
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (ec != std::errc{} || end != text.data() + text.size() || pid <= 0) return std::nullopt;
    return pid;
}

std::optional<pid_t> read_lock_holder(const std::filesystem::path& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return std::nullopt;
    char buffer[32];
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    return parse_lock_holder(std::string_view(buffer, static_cast<size_t>(n)));
}

} // namespace guestclock
