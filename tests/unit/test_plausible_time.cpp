#include "common/plausible_time.h"
#include "common/rtc_calendar.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <random>

using namespace guestclock;

namespace {

Nanoseconds utc(int year, int month, int day) {
    return utc_calendar_to_epoch({year, month, day, 0, 0, 0}) * kNsPerSec;
}

const Nanoseconds kBuild = utc(2026, 11, 1);

// GUESTCLOCK_TEST_SEED repeats a run; otherwise each run draws afresh and says from what.
unsigned test_seed() {
    if (const char* given = std::getenv("GUESTCLOCK_TEST_SEED"))
        return static_cast<unsigned>(std::strtoul(given, nullptr, 10));
    static const unsigned drawn = std::random_device{}();
    return drawn;
}

} // namespace

TEST_CASE("the floor is the latest of build date, --min-time and last known good", "[plausible]") {
    const PlausibleWindow build_only = plausible_window({100, std::nullopt, std::nullopt}, 0);
    REQUIRE(build_only.floor_ns == 100);
    REQUIRE(build_only.ceiling_ns == 100 + kDefaultMaxOffline);
    const PlausibleWindow older = plausible_window({100, 50, 80}, 0);
    REQUIRE(older.floor_ns == 100); // nothing lowers the build-date floor
    REQUIRE(older.floor_source == "build date");
    REQUIRE(plausible_window({100, 150, 120}, 0).floor_source == "--min-time");
    const PlausibleWindow last_good = plausible_window({100, 150, 200}, 0);
    REQUIRE(last_good.floor_ns == 200);
    REQUIRE(last_good.floor_source == "last known good time");
}

TEST_CASE("the ceiling: the floor or a plausible system clock, plus max_offline", "[plausible]") {
    const TimeEvidence evidence{kBuild, std::nullopt, utc(2027, 3, 1)};
    SECTION("a correct system clock carries the ceiling with it") {
        const PlausibleWindow window = plausible_window(evidence, utc(2030, 6, 1));
        REQUIRE(window.ceiling_ns == utc(2030, 6, 1) + kDefaultMaxOffline);
        REQUIRE_THAT(window.ceiling_source, Catch::Contains("the system clock 2030-06-01"));
    }
    SECTION("a system clock from 1982 or from the bogus RTC itself counts for nothing") {
        for (Nanoseconds system : {utc(1982, 1, 1), utc(2065, 1, 1)}) {
            const PlausibleWindow window = plausible_window(evidence, system);
            REQUIRE(window.ceiling_ns == utc(2027, 3, 1) + kDefaultMaxOffline);
            REQUIRE_THAT(window.ceiling_source, Catch::Contains("last known good time 2027-03-01"));
            REQUIRE_THAT(window.ceiling_source, Catch::Contains("outside it"));
        }
    }
    SECTION("2065 is refused after a 2026 build, whatever the system clock says") {
        for (Nanoseconds system :
             {utc(1982, 1, 1), utc(2026, 12, 1), utc(2036, 1, 1), utc(2065, 1, 1)}) {
            const WindowCheck check = check_window(plausible_window({.build_date = kBuild}, system),
                                                   utc(2065, 1, 1), "RTC");
            REQUIRE(check.crossed == Bound::ceiling);
            REQUIRE_THAT(check.reason, Catch::StartsWith("RTC reads 2065-01-01 00:00:00 UTC, "
                                                         "beyond the ceiling"));
        }
    }
    SECTION("max_offline unlimited: no ceiling, the floor still holds") {
        const PlausibleWindow window = plausible_window({kBuild, {}, {}, std::nullopt}, kBuild);
        REQUIRE(check_window(window, utc(2200, 1, 1), "PHC").crossed == Bound::none);
        REQUIRE(check_window(window, utc(2000, 1, 1), "PHC").crossed == Bound::floor);
        REQUIRE(window.ceiling_source.empty());
    }
    SECTION("no overflow at the end of the int64 range") {
        // floor + max_offline and system + max_offline both pass the largest Nanoseconds.
        const Nanoseconds huge = std::numeric_limits<Nanoseconds>::max() - kBuild / 2;
        const PlausibleWindow window = plausible_window({kBuild, {}, {}, huge}, kBuild + 1);
        REQUIRE(window.ceiling_ns == std::numeric_limits<Nanoseconds>::max());
        REQUIRE(check_window(window, utc(2200, 1, 1), "RTC").crossed == Bound::none);
    }
}

TEST_CASE("plausible windows from random evidence: a guest off up to max_offline is believed, "
          "a reference beyond twice that never",
          "[plausible]") {
    const unsigned seed = test_seed();
    std::cerr << "test_plausible_time: seed " << seed << " (GUESTCLOCK_TEST_SEED)\n";
    INFO("seed " << seed);
    std::mt19937_64 random(seed);
    auto between = [&](Nanoseconds lo, Nanoseconds hi) {
        return std::uniform_int_distribution<Nanoseconds>(lo, hi)(random);
    };
    for (int draw = 0; draw < 2000; ++draw) {
        TimeEvidence evidence;
        evidence.build_date = between(utc(2024, 1, 1), utc(2030, 1, 1));
        if (random() % 2) evidence.min_time = between(utc(2020, 1, 1), utc(2032, 1, 1));
        if (random() % 2) evidence.last_good = between(utc(2024, 1, 1), utc(2040, 1, 1));
        const Nanoseconds max_offline = between(kShortestMaxOffline, 20 * kNsPerYear);
        evidence.max_offline = max_offline;
        const Nanoseconds system = between(0, utc(2100, 1, 1));
        const PlausibleWindow window = plausible_window(evidence, system);
        CAPTURE(draw, evidence.build_date, evidence.min_time.value_or(-1),
                evidence.last_good.value_or(-1), max_offline, system);

        Nanoseconds floor = evidence.build_date;
        for (auto known : {evidence.min_time, evidence.last_good})
            if (known) floor = std::max(floor, *known);
        REQUIRE(window.floor_ns == floor);
        REQUIRE(window.ceiling_ns >= floor + max_offline);
        REQUIRE(window.ceiling_ns <= floor + 2 * max_offline);
        if (system < floor || system > floor + max_offline)
            REQUIRE(window.ceiling_ns == floor + max_offline);

        // The true time after a pause, revert or power-off of up to max_offline.
        const Nanoseconds truth = between(floor, floor + max_offline);
        REQUIRE(check_window(window, truth, "RTC").crossed == Bound::none);
        REQUIRE(check_window(window, between(0, floor - 1), "RTC").crossed == Bound::floor);
        const Nanoseconds far_ahead = between(floor + 2 * max_offline + 1, utc(2200, 1, 1));
        REQUIRE(check_window(window, far_ahead, "RTC").crossed == Bound::ceiling);
    }
}

TEST_CASE("max_offline is unlimited or at least a day", "[plausible]") {
    REQUIRE(*parse_max_offline("10y") == 10 * kNsPerYear);
    REQUIRE(*parse_max_offline("3650d") == 3650 * kNsPerDay);
    REQUIRE(*parse_max_offline("86400") == kNsPerDay);
    REQUIRE(*parse_max_offline("unlimited") == std::nullopt);
    for (const char* bad : {"", "10", "23h", "-5y", "ten years", "unlimited ", "1.5"})
        REQUIRE_FALSE(parse_max_offline(bad));
    REQUIRE_THAT(parse_max_offline("10").error().context, Catch::Contains("shorter than a day"));
}

TEST_CASE("build dates and last-known-good files parse", "[plausible]") {
    REQUIRE(*parse_build_date("Nov 21 2026") == utc(2026, 11, 21));
    REQUIRE(*parse_build_date("Feb  1 2027") == utc(2027, 2, 1));
    for (const char* bad : {"", "Nov 21 26", "Foo 21 2026", "Feb 30 2026", "Nov 2x 2026"})
        REQUIRE_FALSE(parse_build_date(bad));
    REQUIRE(build_date_ns() > utc(2026, 1, 1));

    REQUIRE(parse_last_good("1800000000\n") == 1'800'000'000LL * kNsPerSec);
    REQUIRE(parse_last_good(format_last_good(1'800'000'000LL * kNsPerSec + 5)) ==
            1'800'000'000LL * kNsPerSec);
    for (const char* bad :
         {"", "\n", "-5\n", "0\n", "12abc\n", "1800000000 1\n", "9223372036854775807\n"})
        REQUIRE_FALSE(parse_last_good(bad));
}
