#include "common/chrony_control.h"
#include "tests/fakes/fake_chrony_control.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace guestclock;

TEST_CASE("chronyc -c tracking: the fields a step request needs", "[chrony_control]") {
    // As chrony 4.3 prints it for a PHC refclock.
    auto tracking = parse_chrony_tracking(
        "50484330,PHC0,1,1764630000.123456789,-0.000000012,0.000000003,0.000000010,"
        "-12.345,0.001,0.002,0.000000001,0.000001000,0.25,Normal\n");
    REQUIRE(tracking);
    REQUIRE(tracking->reference == "PHC0");
    REQUIRE(tracking->reference_time == Approx(1764630000.123456789));
    REQUIRE(tracking->system_offset_s == Approx(-0.000000012));
    REQUIRE(tracking->leap_status == "Normal");
}

TEST_CASE("chronyc -c tracking: short or garbled lines are errors", "[chrony_control]") {
    REQUIRE(parse_chrony_tracking("").error().errno_value == EINVAL);
    REQUIRE(parse_chrony_tracking("506 Cannot talk to daemon").error().errno_value == EINVAL);
    auto garbled = parse_chrony_tracking("0,x,0,never,0,0,0,0,0,0,0,0,0,Not synchronised");
    REQUIRE_FALSE(garbled);
    REQUIRE_THAT(garbled.error().context, Catch::Contains("reference time"));
}

TEST_CASE("a step request steps at chronyd's fresh updates until one finds the clock right",
          "[chrony_control]") {
    FakeChronyControl chrony;
    ChronyStepRequest request;
    REQUIRE(request.start(chrony, 0));
    REQUIRE(chrony.count("remeasure") == 1);
    REQUIRE(request.poll(chrony, kNsPerSec / 5) == ChronyStepRequest::State::waiting_for_update);
    REQUIRE(chrony.count("makestep") == 0);
    // Unsynchronised (its sources lost), the reference time changed: no update to step from.
    chrony.state.reference_time = 0;
    chrony.state.leap_status = "Not synchronised";
    REQUIRE(request.poll(chrony, kNsPerSec / 2) == ChronyStepRequest::State::waiting_for_update);
    REQUIRE(chrony.count("makestep") == 0);
    // A sample answered across the revert shows chronyd part of the jump: stepped, and on.
    chrony.state.reference_time = 1'780'000'000.25 - 2.5; // the clock went back: earlier
    chrony.state.leap_status = "Normal";
    chrony.state.system_offset_s = 0.46;
    REQUIRE(request.poll(chrony, kNsPerSec) == ChronyStepRequest::State::waiting_for_update);
    REQUIRE(chrony.count("makestep") == 1);
    chrony.state.system_offset_s = 0; // what makestep leaves; no new update yet
    REQUIRE(request.poll(chrony, kNsPerSec) == ChronyStepRequest::State::waiting_for_update);
    REQUIRE(chrony.count("makestep") == 1);
    chrony.state.reference_time += 0.25; // the next update sees the rest of the jump
    chrony.state.system_offset_s = 4.55;
    REQUIRE(request.poll(chrony, kNsPerSec + kNsPerSec / 4) ==
            ChronyStepRequest::State::waiting_for_update);
    REQUIRE(chrony.count("makestep") == 2);
    chrony.state.reference_time += 0.25; // and the one after finds it right
    chrony.state.system_offset_s = 0.0002;
    REQUIRE(request.poll(chrony, kNsPerSec + kNsPerSec / 2) == ChronyStepRequest::State::settled);
    REQUIRE(request.steps() == 2);
    REQUIRE(request.poll(chrony, 2 * kNsPerSec) == ChronyStepRequest::State::settled);
    REQUIRE(chrony.count("makestep") == 2);
}

TEST_CASE("a step request gives up when chronyd never updates, and fails clearly",
          "[chrony_control]") {
    FakeChronyControl chrony;
    ChronyStepRequest request;
    REQUIRE(request.start(chrony, 0));
    REQUIRE(request.poll(chrony, ChronyStepRequest::kGiveUpAfter - 1) ==
            ChronyStepRequest::State::waiting_for_update);
    REQUIRE(request.poll(chrony, ChronyStepRequest::kGiveUpAfter) ==
            ChronyStepRequest::State::gave_up);
    REQUIRE(chrony.count("makestep") == 0);

    FakeChronyControl unreachable;
    unreachable.fail_with_errno = EACCES;
    ChronyStepRequest refused;
    REQUIRE(refused.start(unreachable, 0).error().errno_value == EACCES);
    REQUIRE_FALSE(refused.active());
}

TEST_CASE("chronyc itself: its output is read and its failure reported", "[chrony_control]") {
    TempDir dir;
    // A stand-in chronyc that logs its arguments and answers as chronyc would.
    dir.write("chronyc", "#!/bin/sh\necho \"$*\" >> \"${0%/*}/args\"\n"
                         "case \"$*\" in *tracking*) echo 50484330,PHC0,1,1764630000.5,0.25,"
                         "0,0,0,0,0,0,0,0.25,Normal;; *makestep*) exit 1;; esac\n");
    const auto script = dir.path() / "chronyc";
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    ChronycControl chrony(script.string());
    auto tracking = chrony.tracking();
    REQUIRE(tracking);
    REQUIRE(tracking->system_offset_s == Approx(0.25));
    REQUIRE(chrony.remeasure());
    auto step = chrony.step();
    REQUIRE_FALSE(step);
    REQUIRE_THAT(step.error().context, Catch::Contains("makestep"));
    std::ifstream args(dir.path() / "args");
    std::string all((std::istreambuf_iterator<char>(args)), std::istreambuf_iterator<char>());
    REQUIRE_THAT(all, Catch::Contains("-n burst 4/4"));
}

TEST_CASE("chronyc itself: a missing binary is an error, not a hang", "[chrony_control]") {
    ChronycControl chrony("/nonexistent/chronyc");
    REQUIRE_FALSE(chrony.tracking());
    REQUIRE_FALSE(chrony.step());
}
