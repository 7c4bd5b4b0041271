#include "common/atomic_file.h"
#include "common/system_files.h"
#include "common/textfile_metrics.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>

using namespace guestclock;

TEST_CASE("SystemFiles reads below its root prefix", "[sysfs]") {
    TempDir root;
    root.write("sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock\n");
    const SystemFiles files(root.path());
    auto line = files.read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    REQUIRE(line);
    REQUIRE(*line == "kvm-clock");
    REQUIRE(files.exists("/sys/devices"));
    REQUIRE_FALSE(files.exists("/proc/cmdline"));
}

TEST_CASE("SystemFiles reports a missing file with its errno and path", "[sysfs]") {
    TempDir root;
    const SystemFiles files(root.path());
    auto missing = files.read("/proc/cmdline");
    REQUIRE_FALSE(missing);
    REQUIRE(missing.error().errno_value == ENOENT);
    REQUIRE(missing.error().message().find("proc/cmdline") != std::string::npos);
}

TEST_CASE("SystemFiles lists a directory sorted", "[sysfs]") {
    TempDir root;
    root.write("sys/class/rtc/rtc1/name", "b");
    root.write("sys/class/rtc/rtc0/name", "a");
    auto names = SystemFiles(root.path()).list("/sys/class/rtc");
    REQUIRE(names);
    REQUIRE(*names == std::vector<std::string>{"rtc0", "rtc1"});
    REQUIRE_FALSE(SystemFiles(root.path()).list("/sys/class/ptp"));
}

TEST_CASE("write_file_atomically replaces the whole file and leaves no temporary", "[file]") {
    TempDir dir;
    const auto target = dir.path() / "metrics.prom";
    dir.write("metrics.prom", "old content that is longer\n");
    REQUIRE(write_file_atomically(target, "new\n"));
    std::ifstream in(target);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(content == "new\n");
    REQUIRE(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()) == 1);
    REQUIRE_FALSE(write_file_atomically(dir.path() / "absent" / "x.prom", "x"));
}

TEST_CASE("TextfileMetrics writes the exposition format", "[metrics]") {
    TextfileMetrics metrics;
    metrics.describe("guestclock_offset_seconds", "System clock minus reference.");
    metrics.add("guestclock_offset_seconds", {{"reference", "rtc \"0\""}}, -0.25);
    REQUIRE(metrics.text() == "# HELP guestclock_offset_seconds System clock minus reference.\n"
                              "# TYPE guestclock_offset_seconds gauge\n"
                              "guestclock_offset_seconds{reference=\"rtc \\\"0\\\"\"} -0.25\n");
}

TEST_CASE("exposition text escapes HELP and spells infinities as the format does", "[metrics]") {
    REQUIRE(escape_help_text("a \\ b\nc \"d\"") == "a \\\\ b\\nc \"d\"");
    REQUIRE(escape_label_value("a \\ b\nc \"d\"") == "a \\\\ b\\nc \\\"d\\\"");
    REQUIRE(exposition_value(std::numeric_limits<double>::infinity()) == "+Inf");
    REQUIRE(exposition_value(-std::numeric_limits<double>::infinity()) == "-Inf");
    REQUIRE(exposition_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
    REQUIRE(exposition_value(1.5e-9) == "1.5e-09");
    REQUIRE(exposition_value(42) == "42");

    TextfileMetrics metrics;
    metrics.describe("guestclock_x", "one line\nnot two");
    metrics.add("guestclock_x", -std::numeric_limits<double>::infinity());
    REQUIRE(metrics.text() == "# HELP guestclock_x one line\\nnot two\n"
                              "# TYPE guestclock_x gauge\n"
                              "guestclock_x -Inf\n");
}
