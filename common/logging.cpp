#include "common/logging.h"

#include <cstdio>
#include <cstdlib>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <vector>

namespace guestclock {

namespace {

bool g_journal = false;
std::string g_identifier;

int syslog_priority(spdlog::level::level_enum level) {
    switch (level) {
    case spdlog::level::critical:
        return LOG_CRIT;
    case spdlog::level::err:
        return LOG_ERR;
    case spdlog::level::warn:
        return LOG_WARNING;
    case spdlog::level::info:
        return LOG_INFO;
    default:
        return LOG_DEBUG;
    }
}

} // namespace

bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    unsigned long long device = 0;
    unsigned long long inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return st.st_dev == device && st.st_ino == inode;
}

void setup_logging(std::string_view tool, int verbosity) {
    g_identifier = std::string(tool);
    g_journal = stderr_is_journal();
    std::shared_ptr<spdlog::logger> logger;
    if (g_journal) {
        logger = std::make_shared<spdlog::logger>(
            g_identifier, std::make_shared<spdlog::sinks::systemd_sink_mt>(g_identifier));
        logger->set_pattern("%v");
    } else {
        logger = spdlog::stderr_color_mt(g_identifier);
        logger->set_pattern("%n: %^%l%$: %v");
    }
    spdlog::level::level_enum level = spdlog::level::info;
    if (verbosity < 0) level = spdlog::level::warn;
    if (verbosity == 1) level = spdlog::level::debug;
    if (verbosity >= 2) level = spdlog::level::trace;
    logger->set_level(level);
    spdlog::set_default_logger(std::move(logger));
}

void log_with_fields(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields) {
    if (!spdlog::should_log(level)) return;
    if (!g_journal) {
        std::string line(message);
        for (const auto& [key, value] : fields)
            line += " " + std::string(key) + "=" + value;
        spdlog::log(level, "{}", line);
        return;
    }
    std::vector<std::string> items;
    items.push_back("MESSAGE=" + std::string(message));
    items.push_back("PRIORITY=" + std::to_string(syslog_priority(level)));
    items.push_back("SYSLOG_IDENTIFIER=" + g_identifier);
    for (const auto& [key, value] : fields)
        items.push_back("GUESTCLOCK_" + std::string(key) + "=" + value);
    std::vector<iovec> iov;
    iov.reserve(items.size());
    for (auto& item : items)
        iov.push_back({item.data(), item.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

} // namespace guestclock
