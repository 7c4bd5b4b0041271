// Logging set-up shared by every tool: stderr for a person at a terminal, journald (with
// structured fields) when systemd started us.
#pragma once

#include <initializer_list>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>
#include <utility>

namespace guestclock {

// verbosity: 0 = info, 1 = debug, 2+ = trace; negative = warnings only.
void setup_logging(std::string_view tool, int verbosity);

// True when stderr is the journal stream systemd gave us ($JOURNAL_STREAM names its device and
// inode), so our lines would reach journald anyway, better with fields and priorities.
bool stderr_is_journal();

using LogField = std::pair<std::string_view, std::string>;

// A log line with structured journald fields (e.g. {"OFFSET_NS", "-1234"}): sent to journald
// as fields when logging there, else appended to the message as key=value.
void log_with_fields(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields);

} // namespace guestclock
