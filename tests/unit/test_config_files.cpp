#include "common/config_files.h"
#include "rtc_resync/settings_file.h"
#include "temp_dir.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("configuration lines: comments, blanks and spaces go, each entry knows its line",
          "[config]") {
    auto entries = parse_config_text("# header\n\n  interval = 120  # two minutes\n"
                                     "device=rtc1\r\nmin_time = 2026-01-01 12:00:00",
                                     "x.conf");
    REQUIRE(entries);
    REQUIRE(entries->size() == 3);
    REQUIRE((*entries)[0].origin == "x.conf:3");
    REQUIRE((*entries)[0].key == "interval");
    REQUIRE((*entries)[0].value == "120");
    REQUIRE((*entries)[1].origin == "x.conf:4");
    REQUIRE((*entries)[1].value == "rtc1");
    REQUIRE((*entries)[2].value == "2026-01-01 12:00:00"); // no final newline needed

    for (const auto& [text, error] :
         {std::pair{"a = 1\nnonsense\n", "x.conf:2: expected key = value"},
          std::pair{"\n\n\nsamples =  # none\n", "x.conf:4: samples has no value"},
          std::pair{" = 3\n", "x.conf:1: no key before '='"}}) {
        auto parsed = parse_config_text(text, "x.conf");
        REQUIRE_FALSE(parsed);
        REQUIRE(parsed.error().context == error);
    }
}

TEST_CASE("drop-ins are read after the main file, in lexical order, only *.conf", "[config]") {
    TempDir dir;
    const std::string main = (dir.path() / "rtc_resync.conf").string();
    dir.write("rtc_resync.conf", "interval = 120\nsamples = 4\ndevice = rtc0\n");
    dir.write("rtc_resync.conf.d/20-later.conf", "interval = 300\n");
    dir.write("rtc_resync.conf.d/10-first.conf", "interval = 200\nsamples = 6\n");
    dir.write("rtc_resync.conf.d/30-disabled.conf.dpkg-old", "interval = 999\n");
    dir.write("rtc_resync.conf.d/README", "not = read\n");

    auto entries = read_config_files(main, true);
    REQUIRE(entries);
    REQUIRE(entries->size() == 6);
    REQUIRE(entries->front().origin == main + ":1");
    REQUIRE(entries->back().origin == main + ".d/20-later.conf:1");

    auto settings = load_settings(main, true, {});
    REQUIRE(settings);
    REQUIRE(settings->interval == 300 * kNsPerSec); // the last drop-in wins
    REQUIRE(settings->samples == 6);                // a drop-in over the main file
    REQUIRE(settings->device == "rtc0");            // what no drop-in sets stays

    // The command line wins over every file.
    auto given = load_settings(main, true, {{"--interval", "interval", "30"}});
    REQUIRE(given);
    REQUIRE(given->interval == 30 * kNsPerSec);
    REQUIRE(given->samples == 6);
}

TEST_CASE("a missing main file is nothing configured unless named; its drop-ins still count",
          "[config]") {
    TempDir dir;
    const std::string main = (dir.path() / "rtc_resync.conf").string();
    auto defaults = load_settings(main, false, {});
    REQUIRE(defaults);
    REQUIRE(*defaults == ResyncSettings{});

    auto named = load_settings(main, true, {});
    REQUIRE_FALSE(named);
    REQUIRE(named.error().errno_value == ENOENT);
    REQUIRE_THAT(named.error().context, Catch::Contains(main));

    dir.write("rtc_resync.conf.d/50-image.conf", "no_step = yes\n");
    auto dropin_only = load_settings(main, false, {});
    REQUIRE(dropin_only);
    REQUIRE(dropin_only->no_step);
}

TEST_CASE("one bad line anywhere fails the whole load, naming its file and line", "[config]") {
    TempDir dir;
    const std::string main = (dir.path() / "rtc_resync.conf").string();
    dir.write("rtc_resync.conf", "interval = 120\n");
    dir.write("rtc_resync.conf.d/10-good.conf", "samples = 5\n");
    dir.write("rtc_resync.conf.d/20-bad.conf", "# typo below\nstep_treshold = 1\n");

    // No settings at all come back, so a daemon reloading on SIGHUP keeps what it runs with.
    auto loaded = load_settings(main, true, {});
    REQUIRE_FALSE(loaded);
    REQUIRE(loaded.error().context == main + ".d/20-bad.conf:2: unknown key \"step_treshold\"");

    dir.write("rtc_resync.conf.d/20-bad.conf", "interval = 0.2\n");
    auto too_short = load_settings(main, true, {});
    REQUIRE_FALSE(too_short);
    REQUIRE_THAT(too_short.error().context, Catch::Contains("interval must be at least 1 s"));
}
