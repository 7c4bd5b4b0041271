#include "common/rtc_calendar.h"
#include "rtc_resync/settings.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("durations parse exactly, with or without units", "[rtc_resync][settings]") {
    REQUIRE(*parse_duration("2") == 2 * kNsPerSec);
    REQUIRE(*parse_duration("0.128") == 128 * kNsPerMs);
    REQUIRE(*parse_duration(".5") == 500 * kNsPerMs);
    REQUIRE(*parse_duration("1.25s") == 1'250 * kNsPerMs);
    REQUIRE(*parse_duration("250ms") == 250 * kNsPerMs);
    REQUIRE(*parse_duration("100us") == 100 * kNsPerUs);
    REQUIRE(*parse_duration("0.000000001") == 1);
    REQUIRE(*parse_duration("30d") == 30 * kNsPerDay);
    REQUIRE(*parse_duration("10y") == 10 * kNsPerYear);
    for (const char* bad :
         {"", "s", "-1", "+1", "1.2.3", "abc", "1 s", "1e3", "99999999999999999999"})
        REQUIRE_FALSE(parse_duration(bad));
}

TEST_CASE("--min-time takes dates, date-times and epoch seconds", "[rtc_resync][settings]") {
    REQUIRE(*parse_utc_time("2026-01-31") ==
            utc_calendar_to_epoch({2026, 1, 31, 0, 0, 0}) * kNsPerSec);
    REQUIRE(*parse_utc_time("2026-01-31 12:30:00") ==
            utc_calendar_to_epoch({2026, 1, 31, 12, 30, 0}) * kNsPerSec);
    REQUIRE(*parse_utc_time("2026-01-31T12:30:00") ==
            utc_calendar_to_epoch({2026, 1, 31, 12, 30, 0}) * kNsPerSec);
    REQUIRE(*parse_utc_time("@1769860800") == 1'769'860'800LL * kNsPerSec);
    for (const char* bad : {"", "2026-02-30", "2026-01-31x", "2026-01-31 25:00:00", "@", "@-5",
                            "31.01.2026", "2026-01"})
        REQUIRE_FALSE(parse_utc_time(bad));
    REQUIRE_FALSE(parse_utc_time("@9223372037")); // past the int64 nanosecond range
}

TEST_CASE("the configuration file sets every key, and rejects what it does not know",
          "[rtc_resync][settings]") {
    ResyncSettings settings;
    const char* text = "# rtc_resync.conf\n"
                       "device = rtc1\n"
                       "time_scale = local   # dual boot\n"
                       "step_threshold = 0.5\n"
                       "jump_threshold = 5\n"
                       "daemon_grace = 3.5\n"
                       "interval = 120\n"
                       "check_interval = 500ms\n"
                       "min_time = 2026-01-01\n"
                       "samples = 5\n"
                       "no_step = yes\n"
                       "allow_circular_reference = true\n"
                       "state_directory = /tmp/state\n"
                       "\n";
    REQUIRE(apply_config_text(text, settings));
    REQUIRE(settings.device == "rtc1");
    REQUIRE(settings.time_scale == RtcTimeScale::local);
    REQUIRE(settings.step_threshold == 500 * kNsPerMs);
    REQUIRE(settings.jump_threshold == 5 * kNsPerSec);
    REQUIRE(settings.daemon_grace == 3'500 * kNsPerMs);
    REQUIRE(settings.interval == 120 * kNsPerSec);
    REQUIRE(settings.check_interval == 500 * kNsPerMs);
    REQUIRE(settings.min_time == utc_calendar_to_epoch({2026, 1, 1, 0, 0, 0}) * kNsPerSec);
    REQUIRE(settings.samples == 5);
    REQUIRE(settings.no_step);
    REQUIRE(settings.allow_circular_reference);
    REQUIRE(settings.state_directory == "/tmp/state");

    for (const char* bad : {"colour = blue\n", "interval\n", "interval =\n", "interval = soon\n",
                            "samples = 1\n", "samples = 3x\n", "no_step = maybe\n",
                            "time_scale = gmt\n", "interval = 0.5\n", "= 5\n"}) {
        ResyncSettings fresh;
        auto applied = apply_config_text(bad, fresh);
        REQUIRE_FALSE(applied);
    }
}

TEST_CASE("a configuration error names the file, the line and the key", "[rtc_resync][settings]") {
    ResyncSettings fresh;
    auto unknown = apply_config_text("\n\nfoo = 1\n", fresh, "/etc/guestclock/rtc_resync.conf");
    REQUIRE_FALSE(unknown);
    REQUIRE(unknown.error().context == "/etc/guestclock/rtc_resync.conf:3: unknown key \"foo\"");
    auto bad_value = apply_config_text("# comment\ninterval = soon\n", fresh, "a.conf");
    REQUIRE_FALSE(bad_value);
    REQUIRE_THAT(bad_value.error().context, Catch::StartsWith("a.conf:2: interval: "));
    auto no_equals = apply_config_text("samples 5\n", fresh, "a.conf");
    REQUIRE_FALSE(no_equals);
    REQUIRE(no_equals.error().context == "a.conf:1: expected key = value");
}

TEST_CASE("command-line values override the file, and are checked the same way",
          "[rtc_resync][settings]") {
    const std::vector<ConfigEntry> entries{
        {"rtc_resync.conf:1", "step_threshold", "1"},
        {"rtc_resync.conf:2", "time_scale", "local"},
        {"--step-threshold", "step_threshold", "0.01"},
        {"--utc", "time_scale", "utc"},
        {"--min-time", "min_time", "@1800000000"},
    };
    auto settings = resync_settings_from(entries);
    REQUIRE(settings);
    REQUIRE(settings->step_threshold == 10 * kNsPerMs);
    REQUIRE(settings->time_scale == RtcTimeScale::utc);
    REQUIRE(settings->min_time == 1'800'000'000LL * kNsPerSec);

    auto bad = resync_settings_from({{"--interval", "interval", "fast"}});
    REQUIRE_FALSE(bad);
    REQUIRE_THAT(bad.error().context, Catch::StartsWith("--interval: "));
    REQUIRE_FALSE(resync_settings_from({{"--interval", "interval", "0.5"}}));
}

TEST_CASE("max_offline sets the ceiling from the file or --max-offline, unlimited lifts it",
          "[rtc_resync][settings]") {
    ResyncSettings settings;
    REQUIRE(settings.max_offline == kDefaultMaxOffline);
    REQUIRE(apply_config_text("max_offline = 400d\n", settings));
    REQUIRE(settings.max_offline == 400 * kNsPerDay);
    REQUIRE(apply_config_text("max_offline = unlimited\n", settings));
    REQUIRE_FALSE(settings.max_offline);

    auto given = resync_settings_from(
        {{"f:1", "max_offline", "unlimited"}, {"--max-offline", "max_offline", "5y"}});
    REQUIRE(given);
    REQUIRE(given->max_offline == 5 * kNsPerYear);

    ResyncSettings untouched;
    auto refused = apply_config_text("max_offline = 10\n", untouched);
    REQUIRE_FALSE(refused);
    REQUIRE_THAT(refused.error().context, Catch::Contains(":1: max_offline"));
    REQUIRE(untouched.max_offline == kDefaultMaxOffline);
    REQUIRE_FALSE(resync_settings_from({{"--max-offline", "max_offline", "soon"}}));
}
