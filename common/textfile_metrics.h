// Figures in node_exporter's textfile-collector format (Prometheus exposition text), so that
// fleets can alert on guest clocks with the monitoring they already run.
#pragma once

#include "common/result.h"
#include "common/time_ns.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace guestclock {

using MetricLabels = std::map<std::string, std::string>;

class TextfileMetrics {
  public:
    // Declares a metric family once: HELP and TYPE ("gauge" or "counter").
    void describe(std::string_view name, std::string_view help, std::string_view type = "gauge");
    void add(std::string_view name, const MetricLabels& labels, double value);
    void add(std::string_view name, double value) { add(name, {}, value); }
    // A family of one unlabelled sample: describe and add in one.
    void gauge(std::string_view name, std::string_view help, double value) {
        describe(name, help);
        add(name, value);
    }

    std::string text() const { return text_; }
    // Atomic, so the collector never scrapes half a file.
    Status write(const std::filesystem::path& path) const;

  private:
    std::string text_;
};

// A Unix time (ns) as a *_timestamp_seconds value, to the millisecond: the format carries only
// float64, which resolves today's 1.7e9 s to about 0.2 us, so milliseconds print as they are.
double timestamp_seconds(Nanoseconds unix_ns);

// Escapes a label value as the exposition format requires (backslash, quote, newline).
std::string escape_label_value(std::string_view value);
// Escapes HELP text: backslash and newline only (a quote is literal there).
std::string escape_help_text(std::string_view help);
// A sample value as the format spells it: NaN, +Inf, -Inf, else the shortest exact decimal.
std::string exposition_value(double value);

} // namespace guestclock
