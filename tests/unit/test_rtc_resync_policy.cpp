#include "common/rtc_calendar.h"
#include "rtc_resync/clock_situation.h"
#include "rtc_resync/correction_policy.h"
#include "rtc_resync/exit_codes.h"
#include "rtc_resync/frequency_servo.h"
#include "rtc_resync/jump_detection.h"
#include "rtc_resync/offset_estimate.h"
#include "rtc_resync/reference_gate.h"
#include "tests/unit/random_seed.h"

#include <catch2/catch.hpp>
#include <random>

using namespace guestclock;

namespace {

constexpr Nanoseconds kNow = 1'800'000'000LL * kNsPerSec;

// Edges one second apart whose offsets are given, as a UIE reader would produce them.
std::vector<RtcEdge> edges_with_offsets(std::initializer_list<Nanoseconds> offsets,
                                        Nanoseconds uncertainty = 10 * kNsPerUs) {
    std::vector<RtcEdge> edges;
    Nanoseconds i = 0;
    for (Nanoseconds offset : offsets) {
        const Nanoseconds rtc = kNow + i * kNsPerSec;
        edges.push_back({rtc, rtc + offset, 5 * kNsPerSec + i * kNsPerSec + offset, uncertainty,
                         EdgeMethod::uie});
        ++i;
    }
    return edges;
}

GateLimits limits_from(TimeEvidence evidence) {
    GateLimits limits;
    limits.evidence = evidence;
    return limits;
}

GateLimits limits_around_now() {
    return limits_from({kNow - kNsPerDay, std::nullopt, std::nullopt});
}

OffsetEstimate estimate(Nanoseconds offset) {
    return OffsetEstimate{offset, 50 * kNsPerUs, 3};
}

} // namespace

TEST_CASE("the offset is the median of the edges, its uncertainty their spread plus the widest",
          "[rtc_resync][estimate]") {
    auto odd = estimate_offset(edges_with_offsets({100, 900'000, 300}, 20));
    REQUIRE(odd);
    REQUIRE(odd->system_minus_rtc_ns == 300); // one late edge does not move the median
    REQUIRE(odd->uncertainty_ns == 900'000 - 300 + 20);
    REQUIRE(odd->samples == 3);
    REQUIRE(odd->rtc_time_ns == kNow + 2 * kNsPerSec);

    auto even = estimate_offset(edges_with_offsets({-37 * kNsPerSec + 1, -37 * kNsPerSec + 3}, 0));
    REQUIRE(even->system_minus_rtc_ns == -37 * kNsPerSec + 2);
    REQUIRE(even->uncertainty_ns == 1);
    REQUIRE_FALSE(estimate_offset({}));
}

TEST_CASE("random edges, one perhaps caught late: the true offset lies within the uncertainty",
          "[rtc_resync][estimate][random]") {
    auto random = seeded_random(2);
    for (int trial = 0; trial < 200; ++trial) {
        const Nanoseconds truth =
            std::uniform_int_distribution<Nanoseconds>(-100 * kNsPerSec, 100 * kNsPerSec)(random);
        const int count = std::uniform_int_distribution<int>(1, 15)(random);
        std::vector<RtcEdge> edges;
        for (int i = 0; i < count; ++i) {
            // Each edge is off by less than its own uncertainty, except that a preempted reader
            // catches one as late as a second.
            const Nanoseconds width =
                std::uniform_int_distribution<Nanoseconds>(0, kNsPerMs)(random);
            Nanoseconds error = std::uniform_int_distribution<Nanoseconds>(-width, width)(random);
            if (count >= 3 && i == 1)
                error = std::uniform_int_distribution<Nanoseconds>(0, kNsPerSec)(random);
            const Nanoseconds rtc = kNow + i * kNsPerSec;
            edges.push_back(
                {rtc, rtc + truth + error, 5 * kNsPerSec + i * kNsPerSec, width, EdgeMethod::uie});
        }
        CAPTURE(test_seed(), trial, truth, count);
        auto estimate = estimate_offset(edges);
        REQUIRE(estimate);
        REQUIRE(estimate->samples == count);
        REQUIRE(std::abs(estimate->system_minus_rtc_ns - truth) <= estimate->uncertainty_ns);
    }
}

TEST_CASE("the gate accepts consistent edges inside the plausible window", "[rtc_resync][gate]") {
    const GateVerdict verdict =
        check_reference(edges_with_offsets({10, 20, 30}), limits_around_now());
    REQUIRE(verdict.accepted());
    REQUIRE(verdict.reason.empty());
}

TEST_CASE("the gate refuses RTC dates before the floor: 1970, 2000, before --min-time",
          "[rtc_resync][gate]") {
    for (Nanoseconds bogus : {Nanoseconds{0}, Nanoseconds{946'684'800} * kNsPerSec}) {
        std::vector<RtcEdge> edges = edges_with_offsets({0, 0, 0});
        for (auto& edge : edges) {
            edge.realtime_ns = edge.realtime_ns - kNow + bogus;
            edge.rtc_time_ns = edge.rtc_time_ns - kNow + bogus;
        }
        const GateVerdict verdict = check_reference(edges, limits_around_now());
        REQUIRE(verdict.refusal == Refusal::before_floor);
        REQUIRE_THAT(verdict.reason, Catch::Contains("before the build date"));
        REQUIRE(exit_code_for(verdict.refusal) == kExitBeforeFloor);
    }
    const GateLimits min_time = limits_from({0, kNow + 3600 * kNsPerSec, std::nullopt});
    REQUIRE(check_reference(edges_with_offsets({0, 0}), min_time).refusal == Refusal::before_floor);
    REQUIRE_THAT(check_reference(edges_with_offsets({0, 0}), min_time).reason,
                 Catch::Contains("--min-time"));
}

TEST_CASE("the gate refuses an RTC decades ahead of a correct clock, with its own exit code",
          "[rtc_resync][gate]") {
    // The system clock is right; the RTC reads 2065.
    const Nanoseconds year_2065 = utc_calendar_to_epoch({2065, 1, 1, 0, 0, 0}) * kNsPerSec;
    std::vector<RtcEdge> edges = edges_with_offsets({0, 0});
    for (auto& edge : edges)
        edge.rtc_time_ns += year_2065 - kNow;
    const GateVerdict verdict = check_reference(edges, limits_around_now());
    REQUIRE(verdict.refusal == Refusal::beyond_ceiling);
    REQUIRE_THAT(verdict.reason, Catch::Contains("beyond the ceiling"));
    REQUIRE_THAT(verdict.reason, Catch::Contains("max_offline"));
    REQUIRE(exit_code_for(verdict.refusal) == kExitBeyondCeiling);

    GateLimits unlimited = limits_around_now();
    unlimited.evidence.max_offline.reset();
    REQUIRE(check_reference(edges, unlimited).accepted());
}

TEST_CASE("the gate refuses edges that disagree, and too few of them", "[rtc_resync][gate]") {
    REQUIRE(
        check_reference(edges_with_offsets({0, 200 * kNsPerMs, 0}), limits_around_now()).refusal ==
        Refusal::samples_disagree);
    // An RTC that skipped a second between edges one real second apart.
    auto skipped = edges_with_offsets({0, 0});
    skipped[1].rtc_time_ns += kNsPerSec;
    skipped[1].realtime_ns += kNsPerSec;
    REQUIRE(check_reference(skipped, limits_around_now()).refusal == Refusal::samples_disagree);
    REQUIRE(check_reference(edges_with_offsets({0}), limits_around_now()).refusal ==
            Refusal::too_few_samples);
    REQUIRE(check_reference({}, limits_around_now()).refusal == Refusal::too_few_samples);
}

TEST_CASE("offsets at or above the threshold step, below it slew", "[rtc_resync][policy]") {
    const PolicySettings settings;
    const ClockSituation alone;
    const Decision big = decide_correction(estimate(37 * kNsPerSec), alone, settings);
    REQUIRE(big.action == Action::step);
    REQUIRE(big.correction_ns == -37 * kNsPerSec);
    REQUIRE(decide_correction(estimate(-settings.step_threshold_ns), alone, settings).action ==
            Action::step);
    const Decision small = decide_correction(estimate(-3 * kNsPerMs), alone, settings);
    REQUIRE(small.action == Action::slew);
    REQUIRE(small.correction_ns == 3 * kNsPerMs);
    REQUIRE(decide_correction(estimate(0), alone, settings).action == Action::none);
}

TEST_CASE("beside a synchronised time daemon: stand down, step only on jumps",
          "[rtc_resync][policy]") {
    const ClockSituation chrony{true, "chronyd", false};
    PolicySettings settings;
    const Decision small = decide_correction(estimate(500 * kNsPerMs), chrony, settings);
    REQUIRE(small.action == Action::stand_down);
    REQUIRE_THAT(small.reason, Catch::Contains("chronyd"));
    const Decision pause = decide_correction(estimate(-10 * kNsPerSec), chrony, settings);
    REQUIRE(pause.action == Action::step);
    REQUIRE(pause.correction_ns == 10 * kNsPerSec);
    ClockSituation in_grace = chrony;
    in_grace.within_daemon_grace = true;
    const Decision waiting = decide_correction(estimate(-10 * kNsPerSec), in_grace, settings);
    REQUIRE(waiting.action == Action::stand_down);
    REQUIRE_THAT(waiting.reason, Catch::Contains("grace"));
    settings.no_step = true;
    REQUIRE(decide_correction(estimate(-10 * kNsPerSec), chrony, settings).action ==
            Action::stand_down);
}

TEST_CASE("a jump's grace counts from when it was first seen", "[rtc_resync][jump]") {
    JumpGrace grace;
    REQUIRE_FALSE(grace.counting());
    REQUIRE(grace.within(100 * kNsPerSec, 2 * kNsPerSec));
    REQUIRE(grace.counting());
    REQUIRE(grace.within(101 * kNsPerSec, 2 * kNsPerSec));
    REQUIRE_FALSE(grace.within(102 * kNsPerSec, 2 * kNsPerSec));
    grace.clear(); // the jump was corrected; the next one gets a grace of its own
    REQUIRE(grace.within(200 * kNsPerSec, 2 * kNsPerSec));
    JumpGrace none;
    REQUIRE_FALSE(none.within(100 * kNsPerSec, 0));
}

TEST_CASE("an RTC the kernel writes back is not slewed from", "[rtc_resync][policy]") {
    const ClockSituation circular{false, "", true};
    PolicySettings settings;
    const Decision refused = decide_correction(estimate(2 * kNsPerMs), circular, settings);
    REQUIRE(refused.action == Action::refuse);
    REQUIRE(refused.refusal == Refusal::circular_reference);
    REQUIRE(exit_code_for(refused.refusal) == kExitCircularReference);
    REQUIRE_THAT(refused.reason, Catch::Contains("11-minute mode"));
    settings.allow_circular_reference = true;
    REQUIRE(decide_correction(estimate(2 * kNsPerMs), circular, settings).action == Action::slew);
}

TEST_CASE("--no-step slews what it can and refuses the rest", "[rtc_resync][policy]") {
    PolicySettings settings;
    settings.no_step = true;
    const ClockSituation alone;
    REQUIRE(decide_correction(estimate(37 * kNsPerSec), alone, settings).action == Action::slew);
    const Decision huge = decide_correction(estimate(86400 * kNsPerSec), alone, settings);
    REQUIRE(huge.action == Action::refuse);
    REQUIRE(exit_code_for(huge.refusal) == kExitTooLargeToSlew);
}

TEST_CASE("11-minute mode and daemon coexistence are read from the kernel state",
          "[rtc_resync][situation]") {
    KernelClockState synced;
    synced.synchronized = true;
    const KernelClockState unsynced;
    const RtcIdentity cmos{"rtc0", "rtc_cmos"};
    const RtcIdentity other{"rtc1", "rtc-efi"};
    REQUIRE(kernel_writes_rtc(synced, cmos));
    REQUIRE_FALSE(kernel_writes_rtc(synced, other));
    REQUIRE_FALSE(kernel_writes_rtc(unsynced, cmos));
    const std::vector<TimeDaemon> chrony{{412, "chronyd"}};
    REQUIRE(assess_situation(synced, chrony, cmos).daemon_synchronised);
    REQUIRE(assess_situation(synced, chrony, cmos).daemon_name == "chronyd");
    // A daemon still searching leaves the clock to us; a flag without a daemon is a leftover.
    REQUIRE_FALSE(assess_situation(unsynced, chrony, cmos).daemon_synchronised);
    REQUIRE_FALSE(assess_situation(synced, {}, cmos).daemon_synchronised);
}

TEST_CASE("whole-second reads detect jumps of two seconds, not phase", "[rtc_resync][jump]") {
    const Nanoseconds rtc = kNow;
    REQUIRE(whole_second_system_minus_rtc(rtc, rtc + 999 * kNsPerMs) == 999 * kNsPerMs);
    REQUIRE_FALSE(whole_second_offset_is_jump(999 * kNsPerMs, 2 * kNsPerSec));
    REQUIRE_FALSE(whole_second_offset_is_jump(-1 * kNsPerSec, 2 * kNsPerSec));
    REQUIRE(whole_second_offset_is_jump(-1 * kNsPerSec - 1, 2 * kNsPerSec));
    REQUIRE(whole_second_offset_is_jump(2 * kNsPerSec, 2 * kNsPerSec));
    REQUIRE(whole_second_offset_is_jump(-10 * kNsPerSec + 300 * kNsPerMs, 2 * kNsPerSec));
    // The single edge after a jump must fall in (coarse - 1 s, coarse].
    const Nanoseconds coarse = -9'700 * kNsPerMs;
    REQUIRE(edge_agrees_with_whole_second(-10'001 * kNsPerMs, coarse, 50 * kNsPerMs));
    REQUIRE(edge_agrees_with_whole_second(-9'710 * kNsPerMs, coarse, 50 * kNsPerMs));
    REQUIRE_FALSE(edge_agrees_with_whole_second(-11'000 * kNsPerMs, coarse, 50 * kNsPerMs));
    REQUIRE_FALSE(edge_agrees_with_whole_second(0, coarse, 50 * kNsPerMs));
}

TEST_CASE("a suspend shows as CLOCK_BOOTTIME pulling ahead of CLOCK_MONOTONIC",
          "[rtc_resync][jump]") {
    SuspendDetector detector;
    REQUIRE_FALSE(detector.resumed(100 * kNsPerSec, 100 * kNsPerSec));
    REQUIRE_FALSE(detector.resumed(101 * kNsPerSec, 101 * kNsPerSec + kNsPerMs));
    REQUIRE(detector.resumed(102 * kNsPerSec, 162 * kNsPerSec));
    REQUIRE_FALSE(detector.resumed(103 * kNsPerSec, 163 * kNsPerSec));
}

TEST_CASE("the servo learns a constant frequency error from noisy offsets", "[rtc_resync][servo]") {
    // A clock 40 ppm fast, measured every 60 s with up to 100 us of noise. Each offset is slewed
    // away, so the next one is the drift of one interval under the frequency in force.
    std::mt19937 random(42);
    std::uniform_int_distribution<Nanoseconds> noise(-100 * kNsPerUs, 100 * kNsPerUs);
    const double true_error_ppb = 40'000;
    const Nanoseconds interval = 60 * kNsPerSec;
    FrequencyServo servo(0.0);
    Nanoseconds monoraw = 0;
    Nanoseconds offset = 5 * kNsPerMs;
    for (int i = 0; i < 40; ++i) {
        const ServoOutput out = servo.sample(offset + noise(random), 100 * kNsPerUs, monoraw);
        REQUIRE(out.slew_ns != 0);
        monoraw += interval;
        const double residual_ppb = true_error_ppb + servo.frequency_ppb();
        offset = static_cast<Nanoseconds>(residual_ppb * to_seconds(interval));
    }
    // Drift within the measurement noise (100 us over 60 s, 1.7 ppm) teaches nothing, so the
    // servo settles inside that band and stays there.
    const double noise_band_ppb = 100e3 / 60.0;
    REQUIRE(servo.frequency_ppb() == Approx(-true_error_ppb).margin(noise_band_ppb));
}

TEST_CASE("the servo learns random frequency errors at random intervals and noise",
          "[rtc_resync][servo][random]") {
    auto random = seeded_random(3);
    for (int trial = 0; trial < 20; ++trial) {
        // Up to 300 ppm off, measured every 10 s to 10 min with up to 500 us of noise.
        const double true_error_ppb =
            std::uniform_real_distribution<double>(-300'000, 300'000)(random);
        const Nanoseconds interval =
            std::uniform_int_distribution<Nanoseconds>(10, 600)(random) * kNsPerSec;
        const Nanoseconds noise_ns =
            std::uniform_int_distribution<Nanoseconds>(kNsPerUs, 500 * kNsPerUs)(random);
        CAPTURE(test_seed(), trial, true_error_ppb, interval, noise_ns);
        std::uniform_int_distribution<Nanoseconds> noise(-noise_ns, noise_ns);
        FrequencyServo servo(0.0);
        Nanoseconds monoraw = 0;
        Nanoseconds offset = 0;
        for (int i = 0; i < 60; ++i) {
            const ServoOutput out = servo.sample(offset + noise(random), noise_ns, monoraw);
            // A slew unfinished by the next measurement teaches nothing: wait it out, as a
            // pending slew would make the daemon do.
            const Nanoseconds slew_time = static_cast<Nanoseconds>(
                std::abs(static_cast<double>(out.slew_ns)) / ServoSettings{}.slew_rate_ppb * 1e9);
            const Nanoseconds elapsed = std::max(interval, slew_time + kNsPerSec);
            monoraw += elapsed;
            const double residual_ppb = true_error_ppb + servo.frequency_ppb();
            offset = static_cast<Nanoseconds>(residual_ppb * to_seconds(elapsed));
            REQUIRE(std::abs(servo.frequency_ppb()) <= ServoSettings{}.max_frequency_ppb);
        }
        // Drift within the noise teaches nothing, so the servo settles within the noise band
        // (twice the noise over the interval, as both ends of a drift are noisy).
        const double noise_band_ppb = 2 * static_cast<double>(noise_ns) / to_seconds(interval);
        REQUIRE(servo.frequency_ppb() == Approx(-true_error_ppb).margin(noise_band_ppb));
    }
}

TEST_CASE("the servo ignores drift within the noise, unfinished slews and resets",
          "[rtc_resync][servo]") {
    FrequencyServo servo(1'000.0);
    REQUIRE_FALSE(servo.sample(kNsPerMs, kNsPerUs, 0).frequency_ppb); // first sample: no drift yet
    // 5 us over 60 s with 100 us uncertainty: noise.
    REQUIRE_FALSE(servo.sample(5 * kNsPerUs, 100 * kNsPerUs, 60 * kNsPerSec).frequency_ppb);
    // A 100 ms slew needs 200 s at 500 ppm: 60 s later the offset is not drift.
    servo.reset();
    (void)servo.sample(100 * kNsPerMs, kNsPerUs, 120 * kNsPerSec);
    REQUIRE_FALSE(servo.sample(50 * kNsPerMs, kNsPerUs, 180 * kNsPerSec).frequency_ppb);
    servo.reset();
    REQUIRE_FALSE(servo.sample(kNsPerMs, kNsPerUs, 240 * kNsPerSec).frequency_ppb);
    // A huge apparent drift moves the frequency by at most max_change_ppb.
    auto out = servo.sample(-60 * kNsPerMs, kNsPerUs, 300 * kNsPerSec);
    REQUIRE(out.frequency_ppb);
    REQUIRE(*out.frequency_ppb == Approx(1'000.0 + 100'000.0));
    REQUIRE(*out.measured_drift_ppb == Approx(-1'000'000.0));
    REQUIRE(servo.frequency_ppb() <= 500'000.0);
}
