#include "common/atomic_file.h"

#include "common/file_descriptor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>

namespace guestclock {

namespace {

// 64 random bits: nobody can plant a link or a file at the name before we create it.
Result<std::string> temporary_name(const std::string& target) {
    unsigned char bytes[8];
    if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) return fail_errno("getrandom");
    std::string name = target + ".";
    for (const unsigned char byte : bytes)
        name += fmt::format("{:02x}", byte);
    return name;
}

// Only the directory we write into is checked, not its ancestors: Debian's textfile directory
// is root's but lies in /var/lib/prometheus, which is the prometheus user's. Whoever swaps an
// ancestor can only send our file, with our name and content, into another directory that
// passes this check too, since everything below is done relative to the checked directory.
Status check_directory(int directory, const std::string& where) {
    struct stat st {};
    if (fstat(directory, &st) != 0) return fail_errno("stat " + where);
    // Another owner could replace what we wrote (feeding chronyd a drop-in, say) or chmod the
    // directory open to everyone.
    if (st.st_uid != 0 && st.st_uid != geteuid())
        return fail(EPERM, "refusing to write in " + where + ": owned by uid " +
                               std::to_string(st.st_uid) + ", neither root nor us");
    // The sticky bit stops others from renaming or removing a file that is not theirs, and
    // our rename, as root, replaces whatever name they planted.
    if ((st.st_mode & S_ISVTX) != 0) return {};
    if ((st.st_mode & S_IWOTH) != 0)
        return fail(EPERM,
                    "refusing to write in " + where + ": writable by everyone and not sticky");
    if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0 && st.st_gid != getegid())
        return fail(EPERM, "refusing to write in " + where + ": writable by group " +
                               std::to_string(st.st_gid) + " and not sticky");
    return {};
}

Status write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("write");
        }
        content.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

} // namespace

Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             unsigned mode) {
    const std::filesystem::path where = path.has_parent_path() ? path.parent_path() : ".";
    const std::string name = path.filename().string();
    FileDescriptor directory(open(where.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!directory.valid()) return fail_errno("open directory " + where.string());
    if (auto safe = check_directory(directory.get(), where.string()); !safe) return safe;

    auto temporary = temporary_name(name);
    if (!temporary) return std::unexpected(temporary.error());
    // O_EXCL alone already refuses a symlink at the name; O_NOFOLLOW says so. 0600 until the
    // content is complete.
    FileDescriptor fd(openat(directory.get(), temporary->c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) return fail_errno("create temporary file for " + path.string());
    const auto discard = [&](int err, const std::string& what) {
        unlinkat(directory.get(), temporary->c_str(), 0);
        return fail(err, what + " " + (where / *temporary).string());
    };
    if (auto written = write_all(fd.get(), content); !written)
        return discard(written.error().errno_value, "write");
    if (fchmod(fd.get(), mode) != 0) return discard(errno, "chmod");
    if (fsync(fd.get()) != 0) return discard(errno, "fsync");
    fd.reset();
    // rename(2) replaces the name itself: a symlink planted at the target is swapped for our
    // file, and what it pointed to is untouched (tests/unit/test_atomic_file.cpp checks this).
    // Both names are in the one directory we checked, so the rename cannot cross into another.
    if (renameat(directory.get(), temporary->c_str(), directory.get(), name.c_str()) != 0)
        return discard(errno, "rename");
    // Without this, a crash soon after could bring back the old name or none at all.
    if (fsync(directory.get()) != 0) return fail_errno("fsync " + where.string());
    return {};
}

} // namespace guestclock
