#include "ptp_kvm_helper/clock_follower.h"
#include "ptp_kvm_helper/commands.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_phc.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// FakePhc's model clock reads 2025; this build date lies before it.
const TimeEvidence kEvidence{.build_date = 1'704'067'200 * kNsPerSec}; // 2024-01-01

} // namespace

TEST_CASE("follower steps a large offset once the rate is known, and publishes the sync status",
          "[follower]") {
    FakeClockAdjuster clock;
    FakePhc phc;
    phc.precise_errno = ENODEV;
    phc.extended_errno = EOPNOTSUPP;
    phc.ahead_of_system_ns = 20 * kNsPerMs;
    ClockFollower follower(clock, ServoConfig{}, kEvidence);
    REQUIRE(follower.start());
    auto first = follower.update(phc, kNsPerSec);
    REQUIRE(first);
    REQUIRE(first->action.kind == ServoAction::Kind::none); // the rate is not known yet
    REQUIRE(clock.changed_nothing());
    auto update = follower.update(phc, 2 * kNsPerSec);
    REQUIRE(update);
    REQUIRE(update->method == PhcMethod::basic);
    REQUIRE(clock.steps == std::vector<Nanoseconds>{20 * kNsPerMs});
    REQUIRE(clock.sync_statuses.size() == 1);
    REQUIRE(clock.sync_statuses[0].synchronized);
}

TEST_CASE("follower: a failing PHC changes nothing, and it resumes after", "[follower]") {
    FakeClockAdjuster clock;
    FakePhc phc;
    ClockFollower follower(clock, ServoConfig{}, kEvidence);
    REQUIRE(follower.start());
    REQUIRE(follower.update(phc, 1 * kNsPerSec));
    REQUIRE(follower.update(phc, 2 * kNsPerSec));
    const auto frequencies = clock.frequencies_ppb.size();

    phc.precise_errno = EIO; // fail=1 in the stand-in
    auto failed = follower.update(phc, 3 * kNsPerSec);
    REQUIRE_FALSE(failed);
    REQUIRE(failed.error().errno_value == EIO);
    REQUIRE(clock.frequencies_ppb.size() == frequencies);
    REQUIRE(clock.steps.empty());

    phc.precise_errno.reset();
    REQUIRE(follower.update(phc, 4 * kNsPerSec));
    REQUIRE(clock.frequencies_ppb.size() == frequencies + 1);
}

TEST_CASE("follower: implausible readings never move the clock", "[follower]") {
    FakeClockAdjuster clock;
    FakePhc phc;
    phc.system_ns = 1'750'000'000 * kNsPerSec;
    phc.ahead_of_system_ns = -1'700'000'000 * kNsPerSec; // the PHC reads 1971
    ClockFollower follower(clock, ServoConfig{}, kEvidence);
    REQUIRE(follower.start());
    auto refused = follower.update(phc, kNsPerSec);
    REQUIRE_FALSE(refused);
    REQUIRE(refused.error().message().find("before the build date") != std::string::npos);
    REQUIRE(clock.changed_nothing());
}

TEST_CASE("follower: a PHC decades ahead of a correct clock never moves it", "[follower]") {
    FakeClockAdjuster clock;
    FakePhc phc;
    phc.precise_errno = ENODEV;
    phc.extended_errno = EOPNOTSUPP;
    phc.ahead_of_system_ns = 40 * kNsPerYear; // 2065 against the model's 2025
    ClockFollower follower(clock, ServoConfig{}, kEvidence);
    REQUIRE(follower.start());
    for (Nanoseconds now : {kNsPerSec, 2 * kNsPerSec, 3 * kNsPerSec}) {
        auto refused = follower.update(phc, now);
        REQUIRE_FALSE(refused);
        REQUIRE_THAT(refused.error().message(), Catch::Contains("beyond the ceiling"));
        REQUIRE_THAT(refused.error().message(), Catch::Contains("the system clock 2025"));
    }
    REQUIRE(clock.changed_nothing());

    // The operator's override (--max-offline unlimited) lets the same reading through.
    TimeEvidence unlimited = kEvidence;
    unlimited.max_offline.reset();
    ClockFollower forced(clock, ServoConfig{}, unlimited);
    REQUIRE(forced.start());
    REQUIRE(forced.update(phc, kNsPerSec));
    REQUIRE(forced.update(phc, 2 * kNsPerSec));
    REQUIRE(clock.steps.size() == 1);
}

TEST_CASE("sync's evidence: options and rtc_resync's last good time, bad options refused",
          "[follower]") {
    TempDir root;
    const SystemFiles files{root.path()};
    SyncOptions options;
    auto plain = sync_time_evidence(options, files);
    REQUIRE(plain);
    REQUIRE(plain->build_date == build_date_ns());
    REQUIRE(plain->max_offline == kDefaultMaxOffline);
    REQUIRE_FALSE(plain->last_good);

    root.write("var/lib/guestclock/rtc_resync.last-good", "1900000000\n");
    options.min_time = "2027-01-01";
    options.max_offline = "400d";
    auto given = sync_time_evidence(options, files);
    REQUIRE(given);
    REQUIRE(given->last_good == 1'900'000'000 * kNsPerSec);
    REQUIRE(given->min_time == 1'798'761'600 * kNsPerSec);
    REQUIRE(given->max_offline == 400 * kNsPerDay);

    options.max_offline = "10";
    REQUIRE_THAT(sync_time_evidence(options, files).error().context,
                 Catch::Contains("--max-offline"));
    options.max_offline = "unlimited";
    options.min_time = "yesterday";
    REQUIRE_THAT(sync_time_evidence(options, files).error().context, Catch::Contains("--min-time"));
}

TEST_CASE("follower: samples that disagree are refused", "[follower]") {
    const Nanoseconds base = 1'750'000'000 * kNsPerSec;
    std::vector<PhcSample> samples = {{base + 5, base, 1'000, std::nullopt},
                                      {base + 40 * kNsPerMs, base + 10'000, 1'000, std::nullopt}};
    auto why = implausible_reading(samples, kEvidence);
    REQUIRE(why);
    samples[1].phc_ns = base + 10'000 + 700;
    REQUIRE_FALSE(implausible_reading(samples, kEvidence));
    REQUIRE(implausible_reading({}, kEvidence));
}

TEST_CASE("follower starts from the kernel's frequency and fails with the adjuster", "[follower]") {
    FakeClockAdjuster clock;
    clock.state.frequency_ppm = 12.5;
    FakePhc phc;
    ClockFollower follower(clock, ServoConfig{}, kEvidence);
    REQUIRE(follower.start());
    REQUIRE(follower.servo().frequency_ppb == Approx(12'500));
    REQUIRE(follower.update(phc, kNsPerSec));
    clock.fail_with_errno = EPERM;
    auto denied = follower.update(phc, 2 * kNsPerSec);
    REQUIRE_FALSE(denied);
    REQUIRE(denied.error().errno_value == EPERM);
}
