// ptp_kvm_helper sync's textfile: names, labels and values from the servo's updates.
#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/sync_metrics.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_phc.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// Whether text holds exactly this line.
bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// 2026-01-31 12:00:00.250 UTC
constexpr Nanoseconds kNow = 1'769'860'800LL * kNsPerSec + 250 * kNsPerMs;

} // namespace

TEST_CASE("ptp sync: acquiring, a step, locked; the offset is system minus PHC",
          "[metrics][ptp_sync]") {
    FakeClockAdjuster clock;
    clock.state.frequency_ppm = 3.5;
    FakePhc phc;
    phc.ahead_of_system_ns = 20 * kNsPerMs; // the PHC 20 ms ahead: the system clock is behind
    ClockFollower follower(clock, ServoConfig{},
                           TimeEvidence{.build_date = 1'704'067'200 * kNsPerSec});
    REQUIRE(follower.start());
    SyncMetrics state;
    state.frequency_ppb = follower.servo().frequency_ppb;

    auto first = follower.update(phc, kNsPerSec);
    REQUIRE(first);
    REQUIRE(first->system_minus_phc_ns == -20 * kNsPerMs); // what the servo was given
    record_update(state, *first, follower.servo().locked, kNow);
    std::string text = format_sync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_state{state=\"acquiring\"} 1"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_offset_seconds -0.02"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_frequency_ppm 3.5")); // the kernel's, held
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_steps_total 0"));
    REQUIRE(text.find("last_step") == std::string::npos);

    auto second = follower.update(phc, 2 * kNsPerSec);
    REQUIRE(second);
    record_update(state, *second, follower.servo().locked, kNow + kNsPerSec);
    text = format_sync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_state{state=\"locked\"} 1"));
    REQUIRE(has_line(text, "# TYPE guestclock_ptp_kvm_sync_steps_total counter"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_steps_total 1"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_last_step_seconds 0.02"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_last_step_timestamp_seconds 1769860801.25"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_last_measurement_timestamp_seconds "
                           "1769860801.25"));
    REQUIRE(state.frequency_ppb == Approx(clock.frequencies_ppb.back()));
}

TEST_CASE("ptp sync: holdover on PHC errors keeps the last reading; waiting without a device",
          "[metrics][ptp_sync]") {
    SyncMetrics state;
    std::string text = format_sync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_state{state=\"waiting_for_phc\"} 1"));
    REQUIRE(text.find("offset_seconds") == std::string::npos);

    FollowerUpdate update{PhcMethod::precise, -300, 2'000, {ServoAction::Kind::frequency, 0, 150}};
    record_update(state, update, true, kNow);
    record_no_reading(state, true);
    text = format_sync_metrics(state).text();
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_state{state=\"holdover\"} 1"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_state{state=\"locked\"} 0"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_offset_seconds -3e-07"));
    REQUIRE(has_line(text, "guestclock_ptp_kvm_sync_frequency_ppm 0.15"));

    record_no_reading(state, false);
    REQUIRE(state.state == SyncState::waiting_for_phc);
}

TEST_CASE("ptp sync: the textfile is written on changes at once, else every 10 s",
          "[ptp][metrics]") {
    SyncMetricsPacer pacer;
    SyncMetrics metrics;
    const Nanoseconds t0 = 100 * kNsPerSec;
    REQUIRE(pacer.due(metrics, t0)); // the first write
    REQUIRE_FALSE(pacer.due(metrics, t0 + kNsPerSec));
    metrics.state = SyncState::acquiring;
    REQUIRE(pacer.due(metrics, t0 + 2 * kNsPerSec));
    metrics.steps = 1;
    REQUIRE(pacer.due(metrics, t0 + 3 * kNsPerSec));
    metrics.system_minus_phc_ns = 12; // a new reading alone waits for the period
    REQUIRE_FALSE(pacer.due(metrics, t0 + 12 * kNsPerSec));
    REQUIRE(pacer.due(metrics, t0 + 13 * kNsPerSec));
    REQUIRE_FALSE(pacer.due(metrics, t0 + 14 * kNsPerSec));
}
