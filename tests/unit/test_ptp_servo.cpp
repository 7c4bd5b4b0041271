#include "ptp_kvm_helper/servo.h"
#include "tests/unit/random_seed.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace guestclock;

namespace {

// A system clock whose frequency is off by error_ppb plus whatever correction the servo set,
// sampled every second against a perfect reference with Gaussian read jitter.
struct SimulatedClock {
    double error_ppb = 0;
    double correction_ppb = 0;
    double system_minus_reference_ns = 0;
    int steps = 0;

    void advance(double seconds) {
        system_minus_reference_ns += (error_ppb + correction_ppb) * seconds;
    }
    void apply(const ServoAction& action) {
        using Kind = ServoAction::Kind;
        if (action.kind == Kind::step || action.kind == Kind::step_and_frequency) {
            system_minus_reference_ns += static_cast<double>(action.step_ns);
            ++steps;
        }
        if (action.kind == Kind::frequency || action.kind == Kind::step_and_frequency)
            correction_ppb = action.frequency_ppb;
    }
};

struct RunResult {
    int steps = 0;
    double rms_after_ns = 0; // over the last `tail` samples
    double final_frequency_ppb = 0;
    double estimated_ppb = 0; // the integral term: the servo's estimate of the clock's error
};

RunResult run(double error_ppb, double initial_system_minus_reference_ns, double jitter_ns,
              int seconds, int tail, unsigned seed) {
    std::mt19937 random(seed);
    std::normal_distribution<double> jitter(0, jitter_ns);
    SimulatedClock clock{.error_ppb = error_ppb,
                         .system_minus_reference_ns = initial_system_minus_reference_ns};
    ServoState state;
    ServoConfig config;
    double sum_squares = 0;
    for (int t = 0; t < seconds; ++t) {
        const auto measured =
            static_cast<Nanoseconds>(clock.system_minus_reference_ns + jitter(random));
        clock.apply(servo_sample(state, measured, (t + 1) * kNsPerSec, config));
        const double residual = clock.system_minus_reference_ns;
        if (t >= seconds - tail) sum_squares += residual * residual;
        clock.advance(1.0);
    }
    return {clock.steps, std::sqrt(sum_squares / tail), clock.correction_ppb, state.frequency_ppb};
}

} // namespace

TEST_CASE("servo: 20 ms and 50 ppm give one step, then converge below 1 us", "[servo]") {
    // A clock 20 ms behind and 50 ppm slow: the servo must speed it up by 50 000 ppb.
    const RunResult result = run(-50'000, -20e6, 0, 120, 60, 1);
    REQUIRE(result.steps == 1);
    REQUIRE(result.rms_after_ns < 1'000);
    REQUIRE(result.final_frequency_ppb == Approx(50'000).margin(10));
}

TEST_CASE("servo: with read jitter the residual stays near the jitter", "[servo]") {
    for (unsigned seed = 1; seed <= 5; ++seed) {
        const RunResult result = run(30'000, 0, 200, 240, 60, seed);
        // 30 ppm leaves 30 us after the first second: the first step; noise never steps.
        REQUIRE(result.steps == 1);
        // A PI with these gains passes roughly the jitter; 3x leaves room for bad seeds.
        REQUIRE(result.rms_after_ns < 600);
        REQUIRE(result.estimated_ppb == Approx(-30'000).margin(300));
    }
}

TEST_CASE("servo: random frequency errors, offsets and jitter: at most one step, then locked",
          "[servo][random]") {
    auto random = seeded_random(1);
    for (int trial = 0; trial < 20; ++trial) {
        // Anything a guest's clock may start with: up to 200 ppm and half the step threshold
        // off, read with up to 1 us of jitter.
        const double error_ppb = std::uniform_real_distribution<double>(-200'000, 200'000)(random);
        const double offset_ns = std::uniform_real_distribution<double>(-500e3, 500e3)(random);
        const double jitter_ns = std::uniform_real_distribution<double>(0, 1'000)(random);
        CAPTURE(test_seed(), trial, error_ppb, offset_ns, jitter_ns);
        const RunResult result =
            run(error_ppb, offset_ns, jitter_ns, 240, 60, static_cast<unsigned>(random()));
        // The first rate known steps what is left; jitter never reaches the step threshold.
        REQUIRE(result.steps <= 1);
        REQUIRE(result.rms_after_ns < 3 * jitter_ns + 50);
        REQUIRE(result.estimated_ppb == Approx(-error_ppb).margin(2 * jitter_ns + 10));
    }
}

TEST_CASE("servo: a jump while locked is stepped and the learnt frequency kept", "[servo]") {
    ServoState state;
    const ServoConfig config;
    servo_sample(state, 0, 1 * kNsPerSec, config);
    // The system clock fell 10 us behind in a second: it runs 10 ppm slow.
    auto locked = servo_sample(state, -10'000, 2 * kNsPerSec, config);
    REQUIRE(locked.kind == ServoAction::Kind::frequency);
    REQUIRE(locked.frequency_ppb == Approx(10'000));
    // A 60 s pause shows as the system clock 60 s behind the PHC: stepped forward.
    auto jump = servo_sample(state, -60 * kNsPerSec, 3 * kNsPerSec, config);
    REQUIRE(jump.kind == ServoAction::Kind::step);
    REQUIRE(jump.step_ns == 60 * kNsPerSec);
    REQUIRE(jump.frequency_ppb == Approx(10'000));
}

TEST_CASE("servo: a frequency beyond the kernel's limit is clamped", "[servo]") {
    ServoState state;
    const ServoConfig config;
    servo_sample(state, 0, kNsPerSec, config);
    auto action = servo_sample(state, -900'000, 2 * kNsPerSec, config); // 900 ppm slow
    REQUIRE(action.frequency_ppb == config.max_frequency_ppb);
}

TEST_CASE("servo: the first step waits for the rate, and small offsets are not stepped",
          "[servo]") {
    ServoState state;
    const ServoConfig config;
    auto first = servo_sample(state, -5 * kNsPerMs, kNsPerSec, config);
    REQUIRE(first.kind == ServoAction::Kind::none);
    auto second = servo_sample(state, -5 * kNsPerMs - 2'000, 2 * kNsPerSec, config);
    REQUIRE(second.kind == ServoAction::Kind::step_and_frequency);
    REQUIRE(second.step_ns == 5 * kNsPerMs + 2'000);
    REQUIRE(second.frequency_ppb == Approx(2'000));

    ServoState quiet;
    servo_sample(quiet, -3'000, kNsPerSec, config);
    REQUIRE(servo_sample(quiet, -3'100, 2 * kNsPerSec, config).kind ==
            ServoAction::Kind::frequency);
}

TEST_CASE("servo: a monotonic time that does not advance restarts the estimate", "[servo]") {
    ServoState state;
    const ServoConfig config;
    servo_sample(state, -100, 5 * kNsPerSec, config);
    auto again = servo_sample(state, -200, 5 * kNsPerSec, config);
    REQUIRE(again.kind == ServoAction::Kind::none);
    REQUIRE_FALSE(state.locked);
}
