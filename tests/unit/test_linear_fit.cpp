#include "clocksource_audit/rate_measurement.h"
#include "common/linear_fit.h"
#include "tests/unit/random_seed.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using namespace guestclock;

TEST_CASE("a noiseless line is fitted exactly", "[fit]") {
    const std::vector<double> x{0, 1, 2, 3, 4};
    const std::vector<double> y{1, 3.5, 6, 8.5, 11};
    auto fit = fit_line(x, y);
    REQUIRE(fit);
    REQUIRE(fit->slope == Approx(2.5));
    REQUIRE(fit->intercept == Approx(1));
    REQUIRE(fit->slope_stderr == Approx(0).margin(1e-12));
}

TEST_CASE("too few or degenerate samples give no fit", "[fit]") {
    REQUIRE_FALSE(fit_line(std::vector<double>{1, 2}, std::vector<double>{1, 2}));
    REQUIRE_FALSE(fit_line(std::vector<double>{1, 1, 1}, std::vector<double>{1, 2, 3}));
}

TEST_CASE("Student t quantiles", "[fit]") {
    REQUIRE(student_t_95(1) == Approx(12.706).epsilon(1e-4));
    REQUIRE(student_t_95(6) == Approx(2.4469).epsilon(1e-3));
    REQUIRE(student_t_95(10) == Approx(2.2281).epsilon(1e-3));
    REQUIRE(student_t_95(30) == Approx(2.042).epsilon(1e-3));
    REQUIRE(student_t_95(100000) == Approx(1.960).epsilon(1e-3));
}

TEST_CASE("a random noiseless line is fitted exactly", "[fit][random]") {
    auto random = seeded_random(4);
    for (int trial = 0; trial < 100; ++trial) {
        const double slope = std::uniform_real_distribution<double>(-10, 10)(random);
        const double intercept = std::uniform_real_distribution<double>(-1e6, 1e6)(random);
        const int count = std::uniform_int_distribution<int>(3, 500)(random);
        CAPTURE(test_seed(), trial, slope, intercept, count);
        std::vector<double> x, y;
        for (int i = 0; i < count; ++i) {
            x.push_back(i * 1e3);
            y.push_back(intercept + slope * x.back());
        }
        auto fit = fit_line(x, y);
        REQUIRE(fit);
        REQUIRE(fit->count == static_cast<std::size_t>(count));
        REQUIRE(fit->slope == Approx(slope).margin(1e-9));
        REQUIRE(fit->intercept == Approx(intercept).margin(1e-6 * (1 + std::abs(intercept))));
    }
}

TEST_CASE("the 95% interval covers the true slope about 95% of the time", "[fit][random]") {
    auto random = seeded_random(5);
    // Each trial its own rate (up to 100 ppm either way), read noise, sample count and spacing.
    std::uniform_real_distribution<double> ppm(-100, 100);
    std::uniform_real_distribution<double> noise_ns(1, 500);
    std::uniform_int_distribution<int> counts(30, 1000);
    std::uniform_real_distribution<double> spacing_ns(1e5, 1e8);
    int covered = 0;
    constexpr int kTrials = 400;
    for (int trial = 0; trial < kTrials; ++trial) {
        const double true_slope = 1 + ppm(random) * 1e-6;
        std::normal_distribution<double> noise(0, noise_ns(random));
        const int count = counts(random);
        const double spacing = spacing_ns(random);
        std::vector<double> x, y;
        for (int i = 0; i < count; ++i) {
            x.push_back(i * spacing);
            y.push_back(true_slope * x.back() + noise(random));
        }
        auto estimate = estimate_rate(x, y);
        REQUIRE(estimate);
        if (std::abs(estimate->rate - true_slope) <= estimate->ci95) ++covered;
    }
    CAPTURE(test_seed());
    // Binomial(400, 0.95) lies in [365, 395] with probability > 0.999; the segment term may
    // only widen the interval.
    REQUIRE(covered >= 365);
}

TEST_CASE("a wandering rate shows as segment spread and widens the interval", "[fit]") {
    std::vector<double> x, y;
    double clock = 0;
    for (int i = 0; i < 1000; ++i) {
        x.push_back(i * 1e7);
        // The rate steps from +0 to +5 ppm halfway: a host slewing the clock.
        const double rate = i < 500 ? 1.0 : 1.0 + 5e-6;
        if (i > 0) clock += rate * 1e7;
        y.push_back(clock);
    }
    auto estimate = estimate_rate(x, y, 4);
    REQUIRE(estimate);
    REQUIRE(estimate->segment_spread * 1e6 == Approx(5).margin(0.01));
    REQUIRE(estimate->ci95 * 1e6 > 0.5); // OLS alone would claim far better
}

TEST_CASE("rate against the TSC from bracketed reads", "[audit][rate]") {
    // A 2.6 GHz TSC; the clock runs +10 ppm fast. Every 7th read was interrupted between the
    // TSC reads (wide bracket) and carries a 1 us error that must be dropped.
    std::vector<TscBracketedRead> reads;
    for (int i = 0; i < 2000; ++i) {
        const std::uint64_t tsc = 1'000'000 + static_cast<std::uint64_t>(i) * 2'600'000; // 1 ms
        const bool interrupted = i % 7 == 3;
        TscBracketedRead read;
        read.tsc_before = tsc - 40;
        read.tsc_after = tsc + (interrupted ? 50'000 : 40);
        const double ns = static_cast<double>(i) * 1e6 * (1 + 10e-6);
        read.clock_ns = 5'000'000'000 + static_cast<Nanoseconds>(ns) + (interrupted ? 1000 : 0);
        reads.push_back(read);
    }
    auto rate = rate_versus_tsc(reads, 2'600'000);
    REQUIRE(rate);
    REQUIRE(rate->rate_ppm == Approx(10).margin(0.01));
    REQUIRE(rate->dropped == 286);
    REQUIRE(rate->ci95_ppm < 0.05);
    REQUIRE_FALSE(rate_versus_tsc(reads, 0));
    REQUIRE_FALSE(rate_versus_tsc({}, 2'600'000));
}
