// The daemons' textfile writer: atomic, and its failures are logged once and stop nothing.
#include "common/metrics_file.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sys/stat.h>

using namespace guestclock;

TEST_CASE("MetricsFile writes atomically and replaces the previous figures", "[metrics][file]") {
    TempDir dir;
    MetricsFile file(dir.path() / "guestclock-test.prom");
    TextfileMetrics one;
    one.add("guestclock_test", 1);
    file.write(one);
    REQUIRE_FALSE(file.last_error());
    TextfileMetrics two;
    two.add("guestclock_test", 2);
    file.write(two);
    REQUIRE(read_file(file.path()) == "guestclock_test 2\n");
    struct stat st {};
    REQUIRE(stat(file.path().c_str(), &st) == 0);
    REQUIRE((st.st_mode & 0777) == 0644); // node_exporter runs as its own user
}

TEST_CASE("MetricsFile: a missing directory is said once, at info, and writing starts when it "
          "appears",
          "[metrics][file]") {
    TempDir dir;
    LogCapture log;
    MetricsFile file(dir.path() / "node-exporter" / "guestclock-test.prom");
    TextfileMetrics metrics;
    metrics.add("guestclock_test", 1);
    for (int i = 0; i < 5; ++i) {
        file.write(metrics);
        REQUIRE(file.last_error());
        REQUIRE(file.last_error()->errno_value == ENOENT);
    }
    REQUIRE(log.count("does not exist") == 1);
    REQUIRE(log.count("[info]") == 1);
    REQUIRE(log.count("[warning]") == 0);

    std::filesystem::create_directory(dir.path() / "node-exporter");
    file.write(metrics);
    REQUIRE_FALSE(file.last_error());
    REQUIRE(log.count("again") == 1);
    REQUIRE(read_file(file.path()) == "guestclock_test 1\n");
}

TEST_CASE("MetricsFile: an unwritable place is warned about once per error", "[metrics][file]") {
    TempDir dir;
    dir.write("not-a-directory", "");
    LogCapture log;
    // As root a read-only mode is no obstacle; a file in the way of the directory is.
    MetricsFile file(dir.path() / "not-a-directory" / "guestclock-test.prom");
    TextfileMetrics metrics;
    for (int i = 0; i < 3; ++i) {
        file.write(metrics);
        REQUIRE(file.last_error());
    }
    REQUIRE(log.count("[warning]") == 1);
    REQUIRE(log.count("cannot write metrics") == 1);
}
