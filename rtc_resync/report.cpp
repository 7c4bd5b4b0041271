#include "rtc_resync/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace guestclock {

std::string report_json(const Report& report) {
    const auto& m = report.measurement;
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& edge : m.edges) {
        edges.push_back({{"rtc_time_ns", edge.rtc_time_ns},
                         {"realtime_ns", edge.realtime_ns},
                         {"monoraw_ns", edge.monoraw_ns},
                         {"offset_ns", edge.system_minus_rtc_ns()},
                         {"uncertainty_ns", edge.uncertainty_ns},
                         {"method", edge_method_name(edge.method)}});
    }
    nlohmann::json out = {{"device", report.rtc.path},
                          {"rtc_name", report.rtc.identity.name},
                          {"time_scale", rtc_time_scale_name(report.scale)},
                          {"offset_ns", m.estimate.system_minus_rtc_ns},
                          {"uncertainty_ns", m.estimate.uncertainty_ns},
                          {"method", edge_method_name(m.estimate.method)},
                          {"samples", m.estimate.samples},
                          {"accepted", m.verdict.accepted()},
                          {"refusal", refusal_name(m.verdict.refusal)},
                          {"reason", m.verdict.reason},
                          {"edges", edges}};
    if (report.decision) {
        out["action"] = action_name(report.decision->action);
        out["correction_ns"] = report.decision->correction_ns;
        out["decision"] = report.decision->reason;
        out["refusal"] = refusal_name(report.decision->refusal);
        out["applied"] = report.applied;
    }
    return out.dump(2) + "\n";
}

std::string report_text(const Report& report) {
    const auto& m = report.measurement;
    std::string text = fmt::format(
        "device:      {} ({})\nrtc time:    {}\noffset:      {:+.6f} s +- {:.6f} s (system minus "
        "RTC)\nmethod:      {}, {} edges\n",
        report.rtc.path, report.rtc.identity.name.empty() ? "unknown" : report.rtc.identity.name,
        rtc_time_scale_name(report.scale), to_seconds(m.estimate.system_minus_rtc_ns),
        to_seconds(m.estimate.uncertainty_ns), edge_method_name(m.estimate.method),
        m.estimate.samples);
    if (!m.verdict.accepted()) text += "refused:     " + m.verdict.reason + "\n";
    if (report.decision) {
        text += fmt::format("action:      {}{}: {}\n", action_name(report.decision->action),
                            report.applied ? "" : " (not applied)", report.decision->reason);
    }
    return text;
}

} // namespace guestclock
