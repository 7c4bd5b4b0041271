#include "rtc_resync/settings_file.h"

#include "common/config_files.h"

#include <iterator>

namespace guestclock {

Result<ResyncSettings> load_settings(const std::string& path, bool path_given,
                                     const std::vector<ConfigEntry>& command_line) {
    auto entries = read_config_files(path, path_given);
    if (!entries) return std::unexpected(entries.error());
    std::ranges::copy(command_line, std::back_inserter(*entries));
    return resync_settings_from(*entries);
}

} // namespace guestclock
