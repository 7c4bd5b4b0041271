#include "common/system_files.h"

#include "common/file_descriptor.h"

#include <algorithm>
#include <fcntl.h>

namespace guestclock {

SystemFiles::SystemFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::filesystem::path SystemFiles::resolve(std::string_view path) const {
    std::string_view relative = path;
    while (!relative.empty() && relative.front() == '/')
        relative.remove_prefix(1);
    return root_ / relative;
}

Result<std::string> SystemFiles::read(std::string_view path) const {
    const auto full = resolve(path);
    FileDescriptor fd(open(full.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return fail_errno("open " + full.string());
    std::string content;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("read " + full.string());
        }
        if (n == 0) break;
        content.append(buffer, static_cast<size_t>(n));
    }
    return content;
}

Result<std::string> SystemFiles::read_line(std::string_view path) const {
    auto content = read(path);
    if (!content) return content;
    const auto end = content->find('\n');
    if (end != std::string::npos) content->resize(end);
    return content;
}

Status SystemFiles::write(std::string_view path, std::string_view value) const {
    const auto full = resolve(path);
    // O_TRUNC, as the shell's ">" does: sysfs ignores it, and a fixture file then holds the
    // value alone, as the attribute would, not the value over the rest of a longer old one.
    FileDescriptor fd(open(full.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (fd.get() < 0) return fail_errno("open " + full.string() + " for writing");
    const ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0) return fail_errno("write '" + std::string(value) + "' to " + full.string());
    if (static_cast<size_t>(n) != value.size()) return fail(EIO, "short write to " + full.string());
    return {};
}

Result<std::vector<std::string>> SystemFiles::list(std::string_view path) const {
    const auto full = resolve(path);
    std::error_code ec;
    std::filesystem::directory_iterator it(full, ec);
    if (ec) return fail(ec.value(), "list " + full.string());
    std::vector<std::string> names;
    for (const auto& entry : it)
        names.push_back(entry.path().filename().string());
    std::ranges::sort(names);
    return names;
}

bool SystemFiles::is_this_machine() const {
    return root_ == "/";
}

bool SystemFiles::exists(std::string_view path) const {
    std::error_code ec;
    return std::filesystem::exists(resolve(path), ec);
}

} // namespace guestclock
