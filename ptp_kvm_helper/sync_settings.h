// What `ptp_kvm_helper sync` can be told: one table that its configuration files
// (ptp_kvm_helper.conf, see rtc_resync.conf(5)) and its command line (which wins) both read.
// --once, --force and --prometheus say how this one run goes, not how the clock is followed,
// and stay on the command line only.
#pragma once

#include "common/config_text.h"
#include "common/option_table.h"
#include "ptp_kvm_helper/commands.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

inline constexpr std::string_view kDefaultSyncConfigPath = "/etc/guestclock/ptp_kvm_helper.conf";

std::span<const OptionSpec<SyncOptions>> sync_options();

// Applies entries (files, then the command line) onto options, in order. Any bad entry is an
// error naming where it came from.
Status apply_sync_entries(const std::vector<ConfigEntry>& entries, SyncOptions& options);

// path, then path.d/*.conf, then command_line, onto options. A missing main file is an error only
// when the user named it with --config.
Status load_sync_settings(const std::string& path, bool path_given,
                          const std::vector<ConfigEntry>& command_line, SyncOptions& options);

} // namespace guestclock
