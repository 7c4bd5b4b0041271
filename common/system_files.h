// Reads and writes the kernel's text interfaces (/sys, /proc, /etc) below a root prefix, so that
// every parser can be tested on a fixture tree instead of this machine's files.
#pragma once

#include "common/result.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

class SystemFiles {
  public:
    explicit SystemFiles(std::filesystem::path root = "/");

    // The whole file; sysfs and procfs files are read in one go, as the kernel expects.
    Result<std::string> read(std::string_view path) const;
    // The first line without its newline: the shape of most sysfs attributes.
    Result<std::string> read_line(std::string_view path) const;
    // Writes the value in one write(2), as sysfs store handlers require.
    Status write(std::string_view path, std::string_view value) const;
    // Names in a directory, sorted; an absent directory is an error (ENOENT).
    Result<std::vector<std::string>> list(std::string_view path) const;
    bool exists(std::string_view path) const;
    // True when the root is "/": the files are this machine's, not a fixture tree's, so what
    // they describe may also be asked of the running system (systemd, devices).
    bool is_this_machine() const;

    std::filesystem::path resolve(std::string_view path) const;

  private:
    std::filesystem::path root_;
};

} // namespace guestclock
