#include "rtc_resync/correction.h"

namespace guestclock {

Result<Measurement> measure_offset(Rtc& rtc, Timebase& timebase, const EdgeReadOptions& edges,
                                   const GateLimits& limits) {
    auto read = read_edges(rtc, timebase, edges);
    if (!read) return std::unexpected(read.error());
    Measurement measurement;
    measurement.edges = std::move(*read);
    measurement.verdict = check_reference(measurement.edges, limits);
    if (auto estimate = estimate_offset(measurement.edges)) measurement.estimate = *estimate;
    return measurement;
}

Decision decide(const Measurement& measurement, const ClockSituation& situation,
                const PolicySettings& settings) {
    if (!measurement.verdict.accepted())
        return {Action::refuse, 0, measurement.verdict.reason, measurement.verdict.refusal};
    return decide_correction(measurement.estimate, situation, settings);
}

Status apply_decision(const Decision& decision, ClockAdjuster& adjuster, bool dry_run) {
    if (dry_run) return {};
    switch (decision.action) {
    case Action::step:
        return adjuster.step(decision.correction_ns);
    case Action::slew:
        return adjuster.slew(decision.correction_ns);
    default:
        return {};
    }
}

} // namespace guestclock
