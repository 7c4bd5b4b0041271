#include "common/config_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace guestclock {

namespace {

// Appends one file's entries; missing is fine unless required.
Status read_one(const std::filesystem::path& path, bool required,
                std::vector<ConfigEntry>& entries) {
    std::ifstream file(path);
    if (!file) {
        if (errno == ENOENT && !required) return {};
        return fail_errno("cannot read " + path.string());
    }
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad()) return fail_errno("cannot read " + path.string());
    auto parsed = parse_config_text(text, path.string());
    if (!parsed) return std::unexpected(parsed.error());
    std::ranges::move(*parsed, std::back_inserter(entries));
    return {};
}

} // namespace

Result<std::vector<ConfigEntry>> read_config_files(const std::string& path, bool required) {
    std::vector<ConfigEntry> entries;
    if (auto read = read_one(path, required, entries); !read) return std::unexpected(read.error());

    const std::filesystem::path directory = path + ".d";
    std::vector<std::filesystem::path> dropins;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
        if (entry.path().extension() == ".conf") dropins.push_back(entry.path());
    if (ec && ec != std::errc::no_such_file_or_directory)
        return fail(ec.value(), "cannot list " + directory.string());
    std::ranges::sort(dropins);
    for (const auto& dropin : dropins)
        if (auto read = read_one(dropin, true, entries); !read)
            return std::unexpected(read.error());
    return entries;
}

} // namespace guestclock
