#include "common/atomic_file.h"

#include "common/file_descriptor.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>

namespace guestclock {

Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             unsigned mode) {
    std::string temporary = path.string() + ".XXXXXX";
    FileDescriptor fd(mkostemp(temporary.data(), O_CLOEXEC));
    if (!fd.valid()) return fail_errno("create temporary file for " + path.string());
    const auto discard = [&](int err, const std::string& what) {
        unlink(temporary.c_str());
        return fail(err, what + " " + temporary);
    };
    std::string_view rest = content;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return discard(errno, "write");
        }
        rest.remove_prefix(static_cast<size_t>(n));
    }
    if (fchmod(fd.get(), mode) != 0) return discard(errno, "chmod");
    if (fsync(fd.get()) != 0) return discard(errno, "fsync");
    fd.reset();
    if (std::rename(temporary.c_str(), path.c_str()) != 0) return discard(errno, "rename");
    return {};
}

} // namespace guestclock
