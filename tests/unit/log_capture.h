// Collects what spdlog's default logger says while it lives, as "[level] message" lines, so a
// test can check what was logged and how often; the previous default logger returns after.
#pragma once

#include <memory>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <string_view>

class LogCapture {
  public:
    LogCapture() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream_);
        sink->set_pattern("[%l] %v");
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    ~LogCapture() { spdlog::set_default_logger(previous_); }

    std::string text() const { return stream_.str(); }

    // Lines that contain needle.
    int count(std::string_view needle) const {
        std::istringstream lines(stream_.str());
        int n = 0;
        for (std::string line; std::getline(lines, line);)
            if (line.find(needle) != std::string::npos) ++n;
        return n;
    }

  private:
    std::ostringstream stream_;
    std::shared_ptr<spdlog::logger> previous_;
};
