#include "common/textfile_metrics.h"

#include "common/atomic_file.h"

#include <cmath>
#include <fmt/format.h>

namespace guestclock {

namespace {

std::string escaped(std::string_view text, bool quote) {
    std::string out;
    for (const char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"' && quote)
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string escape_label_value(std::string_view value) {
    return escaped(value, true);
}

std::string escape_help_text(std::string_view help) {
    return escaped(help, false);
}

std::string exposition_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", value);
}

double timestamp_seconds(Nanoseconds unix_ns) {
    const Nanoseconds whole_ms = unix_ns / kNsPerMs; // integers first: exact
    return static_cast<double>(whole_ms) / 1e3;
}

void TextfileMetrics::describe(std::string_view name, std::string_view help,
                               std::string_view type) {
    text_ += "# HELP " + std::string(name) + " " + escape_help_text(help) + "\n";
    text_ += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
}

void TextfileMetrics::add(std::string_view name, const MetricLabels& labels, double value) {
    text_ += name;
    if (!labels.empty()) {
        text_ += '{';
        bool first = true;
        for (const auto& [key, label] : labels) {
            if (!first) text_ += ',';
            first = false;
            text_ += key + "=\"" + escape_label_value(label) + "\"";
        }
        text_ += '}';
    }
    text_ += " " + exposition_value(value) + "\n";
}

Status TextfileMetrics::write(const std::filesystem::path& path) const {
    return write_file_atomically(path, text_);
}

} // namespace guestclock
