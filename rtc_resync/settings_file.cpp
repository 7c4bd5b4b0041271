#include "rtc_resync/settings_file.h"

#include <fstream>
#include <sstream>

namespace guestclock {

Result<ResyncSettings> load_settings(const std::string& path, bool path_given,
                                     const SettingOverrides& overrides) {
    ResyncSettings settings;
    std::ifstream file(path);
    if (file) {
        std::ostringstream text;
        text << file.rdbuf();
        if (auto applied = apply_config_text(text.str(), settings); !applied)
            return fail(0, path + ": " + applied.error().context);
    } else if (path_given) {
        return fail(errno, "cannot read " + path);
    }
    if (auto applied = apply_overrides(overrides, settings); !applied)
        return std::unexpected(applied.error());
    return settings;
}

} // namespace guestclock
