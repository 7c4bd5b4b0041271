#include "common/rtc_edges.h"
#include "tests/fakes/fake_rtc.h"

#include <catch2/catch.hpp>
#include <cstdlib>

using namespace guestclock;

namespace {

Nanoseconds abs_ns(Nanoseconds ns) {
    return ns < 0 ? -ns : ns;
}

} // namespace

TEST_CASE("polled reads bracket the edge between the last old and first new second",
          "[rtc][edges]") {
    const BracketedRead earlier{{1'000'000, 10}, {1'000'300, 310}, 5 * kNsPerSec};
    const BracketedRead same{{1'000'400, 410}, {1'000'700, 710}, 5 * kNsPerSec};
    const BracketedRead later{{1'000'800, 810}, {1'001'100, 1'110}, 6 * kNsPerSec};
    REQUIRE_FALSE(edge_between_reads(earlier, same));
    auto edge = edge_between_reads(same, later);
    REQUIRE(edge);
    REQUIRE(edge->rtc_time_ns == 6 * kNsPerSec);
    REQUIRE(edge->realtime_ns == 1'000'750); // midpoint of [400, 1100]
    REQUIRE(edge->monoraw_ns == 760);
    REQUIRE(edge->uncertainty_ns == 350);
    REQUIRE(edge->method == EdgeMethod::poll);
    REQUIRE(edge->system_minus_rtc_ns() == 1'000'750 - 6 * kNsPerSec);
}

TEST_CASE("interrupt edges are timestamped at the wake-up, with the read as their width",
          "[rtc][edges]") {
    const SystemTimestamp woke{7 * kNsPerSec + 80'000, 500};
    const BracketedRead read{
        {7 * kNsPerSec + 80'100, 600}, {7 * kNsPerSec + 110'100, 30'600}, 7 * kNsPerSec};
    const RtcEdge edge = edge_from_interrupt(woke, read);
    REQUIRE(edge.realtime_ns == 7 * kNsPerSec + 80'000);
    REQUIRE(edge.system_minus_rtc_ns() == 80'000);
    REQUIRE(edge.uncertainty_ns == 30'100);
    REQUIRE(edge.method == EdgeMethod::uie);
}

TEST_CASE("update interrupts find the offset, skipping the stale first interrupt", "[rtc][edges]") {
    FakeTimebase timebase;
    timebase.realtime_error = -37 * kNsPerSec + 250 * kNsPerMs;
    FakeRtc rtc(timebase);
    auto edges = read_edges(rtc, timebase, {});
    REQUIRE(edges);
    REQUIRE(edges->size() == 3);
    for (const auto& edge : *edges) {
        REQUIRE(edge.method == EdgeMethod::uie);
        // The offset is the truth plus the modelled interrupt latency and the cost of reading
        // the clocks, nothing else.
        REQUIRE(edge.system_minus_rtc_ns() ==
                timebase.realtime_error + rtc.interrupt_latency + timebase.cost_per_now);
    }
    REQUIRE((*edges)[1].rtc_time_ns - (*edges)[0].rtc_time_ns == kNsPerSec);
    REQUIRE_FALSE(rtc.uie_enabled);
}

TEST_CASE("without the stale skip the first interrupt would have lied", "[rtc][edges]") {
    // Guards the skip: the fake's stale interrupt arrives mid-second.
    FakeTimebase timebase;
    FakeRtc rtc(timebase);
    rtc.stale_first_interrupt = false;
    auto edges = read_edges(rtc, timebase, {.count = 1});
    REQUIRE(edges);
    REQUIRE(abs_ns((*edges)[0].system_minus_rtc_ns()) < kNsPerMs);
}

TEST_CASE("drivers without UIE are polled, and the polls sleep between edges", "[rtc][edges]") {
    for (int errno_value : {EINVAL, ENOTTY}) {
        FakeTimebase timebase;
        timebase.realtime_error = 12'345'678;
        FakeRtc rtc(timebase);
        rtc.uie_errno = errno_value;
        auto edges = read_edges(rtc, timebase, {});
        REQUIRE(edges);
        REQUIRE(edges->size() == 3);
        for (const auto& edge : *edges) {
            REQUIRE(edge.method == EdgeMethod::poll);
            REQUIRE(abs_ns(edge.system_minus_rtc_ns() - timebase.realtime_error) <=
                    edge.uncertainty_ns);
            REQUIRE(edge.uncertainty_ns < 100 * kNsPerUs);
        }
        REQUIRE(timebase.slept > kNsPerSec); // two sleeps of almost a second each
        // Spinning through all three seconds would take ~100000 reads of 30 us; only the
        // search for the first edge (under a second) spins.
        REQUIRE(rtc.reads < 40'000);
    }
}

TEST_CASE("an interrupt that never comes falls back to polling", "[rtc][edges]") {
    FakeTimebase timebase;
    FakeRtc rtc(timebase);
    rtc.interrupts_arrive = false;
    auto edges = read_edges(rtc, timebase, {.count = 2});
    REQUIRE(edges);
    REQUIRE(edges->size() == 2);
    REQUIRE((*edges)[0].method == EdgeMethod::poll);
    REQUIRE_FALSE(rtc.uie_enabled);
}

TEST_CASE("RTC failures are errors, never partial edges", "[rtc][edges]") {
    FakeTimebase timebase;
    FakeRtc rtc(timebase);
    SECTION("UIE_ON fails with a real error") {
        rtc.uie_errno = EIO;
        auto edges = read_edges(rtc, timebase, {});
        REQUIRE_FALSE(edges);
        REQUIRE(edges.error().errno_value == EIO);
    }
    SECTION("reads fail") {
        rtc.read_errno = EIO;
        REQUIRE_FALSE(read_edges(rtc, timebase, {}));
        REQUIRE_FALSE(rtc.uie_enabled);
    }
    SECTION("the RTC holds an impossible date") {
        rtc.frozen_time = RtcTime{2024, 2, 30, 0, 0, 0};
        REQUIRE_FALSE(read_edges(rtc, timebase, {}));
    }
    SECTION("a stopped RTC never changes its second") {
        rtc.uie_errno = ENOTTY;
        rtc.frozen_time = RtcTime{2026, 1, 1, 0, 0, 0};
        auto edges = read_edges(rtc, timebase, {});
        REQUIRE_FALSE(edges);
        REQUIRE(edges.error().errno_value == ETIMEDOUT);
    }
}

TEST_CASE("polling alone when interrupts are not wanted", "[rtc][edges]") {
    FakeTimebase timebase;
    FakeRtc rtc(timebase);
    auto edges = read_edges(rtc, timebase, {.count = 2, .use_interrupts = false});
    REQUIRE(edges);
    REQUIRE((*edges)[0].method == EdgeMethod::poll);
    REQUIRE_FALSE(rtc.uie_enabled);
}
