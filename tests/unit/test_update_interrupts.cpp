#include "common/plausible_time.h"
#include "rtc_resync/commands.h"
#include "rtc_resync/exit_codes.h"
#include "rtc_resync/update_interrupts.h"
#include "tests/fakes/fake_clock_adjuster.h"
#include "tests/fakes/fake_rtc.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace guestclock;

TEST_CASE("update interrupts mark edges except on the PL031, whose are alarm-emulated",
          "[rtc_resync][edges]") {
    REQUIRE(update_interrupts_mark_edges({"rtc0", "rtc_cmos 00:06"}));
    REQUIRE(update_interrupts_mark_edges({"rtc0", "rtc_cmos"}));
    REQUIRE(update_interrupts_mark_edges({"rtc0", ""}));
    REQUIRE_FALSE(update_interrupts_mark_edges({"rtc0", "rtc-pl031 9010000.pl031"}));
}

TEST_CASE("status polls a PL031 and never enables its update interrupts", "[rtc_resync][edges]") {
    TempDir root;
    SystemFiles files{root.path()};
    FakeTimebase timebase;
    timebase.epoch_offset = build_date_ns() + 30 * 86400 * kNsPerSec - timebase.monoraw;
    FakeRtc rtc{timebase};
    FakeClockAdjuster adjuster;
    ResyncSettings settings;
    std::ostringstream out;
    ResyncMachine machine{rtc, SelectedRtc{"/dev/rtc0", {"rtc0", "rtc-pl031 9010000.pl031"}},
                          timebase, adjuster, files};

    REQUIRE(run_status(machine, settings, {true, false}, out) == kExitOk);
    REQUIRE(rtc.uie_enables == 0);
    REQUIRE_THAT(out.str(), Catch::Contains("\"method\": \"poll\""));
    REQUIRE_FALSE(out.str().find("\"method\": \"uie\"") != std::string::npos);
}
