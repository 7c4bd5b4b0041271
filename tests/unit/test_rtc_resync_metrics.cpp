// rtc_resync daemon's textfile: names, labels and values from the daemon's state.
#include "rtc_resync/daemon_metrics.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace guestclock;

namespace {

// Whether text holds exactly this line.
bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// 2026-01-31 12:00:00.250 UTC
constexpr Nanoseconds kNow = 1'769'860'800LL * kNsPerSec + 250 * kNsPerMs;

Measurement accepted(Nanoseconds offset, Nanoseconds uncertainty = 200 * kNsPerUs) {
    Measurement m;
    m.estimate.system_minus_rtc_ns = offset;
    m.estimate.uncertainty_ns = uncertainty;
    m.estimate.samples = 3;
    return m;
}

Measurement refused(Refusal refusal) {
    Measurement m = accepted(-27 * 365 * 86400 * kNsPerSec);
    m.verdict = {refusal, "refused"};
    return m;
}

} // namespace

TEST_CASE("rtc_resync: before any measurement only the state, counters and frequency",
          "[metrics][rtc_resync]") {
    ResyncMetrics state;
    state.frequency_ppb = -12'500;
    const std::string text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "# TYPE guestclock_rtc_resync_state gauge"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"starting\"} 1"));
    for (const char* other : {"synchronising", "standing_down", "refusing", "waiting_for_rtc"})
        REQUIRE(
            has_line(text, fmt::format("guestclock_rtc_resync_state{{state=\"{}\"}} 0", other)));
    REQUIRE(has_line(text, "guestclock_rtc_resync_refusal{reason=\"before_floor\"} 0"));
    REQUIRE(has_line(text, "# TYPE guestclock_rtc_resync_corrections_total counter"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_corrections_total{action=\"step\"} 0"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_corrections_total{action=\"slew\"} 0"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_frequency_ppm -12.5"));
    // No offset is not offset 0: an alert must not see a clock "in sync" that was never measured.
    REQUIRE(text.find("offset_seconds") == std::string::npos);
    REQUIRE(text.find("last_correction") == std::string::npos);
    REQUIRE(text.find("last_measurement") == std::string::npos);
}

TEST_CASE("rtc_resync: a step and a slew, with offsets, corrections and their times",
          "[metrics][rtc_resync]") {
    ResyncMetrics state;
    record_measurement(state, accepted(-37 * kNsPerSec),
                       {Action::step, 37 * kNsPerSec, "step", Refusal::none}, 37 * kNsPerSec, kNow);
    record_measurement(state, accepted(1'500 * kNsPerUs),
                       {Action::slew, -1'500 * kNsPerUs, "slew", Refusal::none}, -1'400 * kNsPerUs,
                       kNow + 60 * kNsPerSec);
    REQUIRE(state.steps == 1);
    REQUIRE(state.slews == 1);
    const std::string text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"synchronising\"} 1"));
    REQUIRE(has_line(text, "# TYPE guestclock_rtc_resync_offset_seconds gauge"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_offset_seconds 0.0015"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_uncertainty_seconds 0.0002"));
    REQUIRE(
        has_line(text, "guestclock_rtc_resync_last_measurement_timestamp_seconds 1769860860.25"));
    // What the servo slewed, not the decision's figure: what was really done to the clock.
    REQUIRE(has_line(text, "guestclock_rtc_resync_last_correction_seconds -0.0014"));
    REQUIRE(
        has_line(text, "guestclock_rtc_resync_last_correction_timestamp_seconds 1769860860.25"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_corrections_total{action=\"step\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_corrections_total{action=\"slew\"} 1"));
}

TEST_CASE("rtc_resync: a failed adjustment counts nothing", "[metrics][rtc_resync]") {
    ResyncMetrics state;
    record_measurement(state, accepted(-5 * kNsPerSec),
                       {Action::step, 5 * kNsPerSec, "step", Refusal::none}, std::nullopt, kNow);
    REQUIRE(state.steps == 0);
    REQUIRE_FALSE(state.last_correction_ns);
    REQUIRE(state.system_minus_rtc_ns == -5 * kNsPerSec); // the measurement itself stands
}

TEST_CASE("rtc_resync: refusing a bogus RTC keeps the last accepted offset and names the reason",
          "[metrics][rtc_resync]") {
    ResyncMetrics state;
    record_measurement(state, accepted(2 * kNsPerMs),
                       {Action::slew, -2 * kNsPerMs, "slew", Refusal::none}, -2 * kNsPerMs, kNow);
    record_measurement(state, refused(Refusal::before_floor),
                       {Action::refuse, 0, "refused", Refusal::before_floor}, std::nullopt,
                       kNow + 60 * kNsPerSec);
    const std::string text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"refusing\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_refusal{reason=\"before_floor\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_refusal{reason=\"samples_disagree\"} 0"));
    // A 27-year "offset" from a reset RTC is no figure to alert on; its age is.
    REQUIRE(has_line(text, "guestclock_rtc_resync_offset_seconds 0.002"));
    REQUIRE(
        has_line(text, "guestclock_rtc_resync_last_measurement_timestamp_seconds 1769860800.25"));
}

TEST_CASE("rtc_resync: a circular reference is refused but its offset is real",
          "[metrics][rtc_resync]") {
    ResyncMetrics state;
    record_measurement(state, accepted(300 * kNsPerMs),
                       {Action::refuse, 0, "circular", Refusal::circular_reference}, std::nullopt,
                       kNow);
    const std::string text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_rtc_resync_refusal{reason=\"circular_reference\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_offset_seconds 0.3"));
}

TEST_CASE("rtc_resync: standing down beside a daemon, then the RTC lost", "[metrics][rtc_resync]") {
    ResyncMetrics state;
    record_measurement(state, accepted(-40 * kNsPerUs),
                       {Action::stand_down, 0, "chronyd", Refusal::none}, std::nullopt, kNow);
    std::string text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"standing_down\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_offset_seconds -4e-05"));
    REQUIRE(text.find("last_correction") == std::string::npos);

    record_waiting_for_rtc(state);
    text = format_resync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"waiting_for_rtc\"} 1"));
    REQUIRE(has_line(text, "guestclock_rtc_resync_state{state=\"standing_down\"} 0"));
}
