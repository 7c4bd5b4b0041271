// The lock that keeps a second rtc_resync from correcting the clock beside the first: the real
// flock(2) on files in a temporary directory (two opens of one file conflict like two processes).
#include "common/instance_lock.h"
#include "rtc_resync/clock_lock.h"
#include "rtc_resync/exit_codes.h"
#include "tests/unit/log_capture.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace guestclock;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("InstanceLock: a second taker gets EWOULDBLOCK and reads the holder's pid",
          "[instance_lock]") {
    TempDir dir;
    const auto path = dir.path() / "x.lock";
    auto first = InstanceLock::take(path);
    REQUIRE(first);
    CHECK(read_text(path) == std::to_string(getpid()) + "\n");
    auto second = InstanceLock::take(path);
    REQUIRE_FALSE(second);
    CHECK(second.error().errno_value == EWOULDBLOCK);
    CHECK(read_lock_holder(path) == getpid());
}

TEST_CASE("InstanceLock: the lock goes with its holder; the file left behind blocks nobody",
          "[instance_lock]") {
    TempDir dir;
    const auto path = dir.path() / "x.lock";
    {
        auto first = InstanceLock::take(path);
        REQUIRE(first);
    }
    REQUIRE(fs::exists(path));
    CHECK(InstanceLock::take(path));
}

TEST_CASE("InstanceLock: a link at the lock's name is refused, never followed", "[instance_lock]") {
    TempDir dir;
    const auto victim = dir.path() / "victim";
    std::ofstream(victim) << "keep me\n";
    fs::create_symlink(victim, dir.path() / "x.lock");
    auto lock = InstanceLock::take(dir.path() / "x.lock");
    REQUIRE_FALSE(lock);
    CHECK(lock.error().errno_value == ELOOP);
    CHECK(read_text(victim) == "keep me\n");
    CHECK_FALSE(read_lock_holder(dir.path() / "x.lock"));
}

TEST_CASE("InstanceLock: the file has mode 0644 whatever the umask", "[instance_lock]") {
    TempDir dir;
    const auto path = dir.path() / "x.lock";
    const mode_t previous = umask(0077);
    auto lock = InstanceLock::take(path);
    umask(previous);
    REQUIRE(lock);
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
}

TEST_CASE("InstanceLock: only a whole positive pid names a holder", "[instance_lock]") {
    CHECK(parse_lock_holder("1234\n") == 1234);
    CHECK(parse_lock_holder(" 77 ") == 77);
    CHECK_FALSE(parse_lock_holder(""));
    CHECK_FALSE(parse_lock_holder("12ab\n"));
    CHECK_FALSE(parse_lock_holder("0\n"));
    CHECK_FALSE(parse_lock_holder("-5\n"));
    CHECK_FALSE(parse_lock_holder("99999999999999999999\n"));
}

TEST_CASE("a second rtc_resync beside the first exits 4, names the holder and changes nothing",
          "[rtc_resync][lock]") {
    TempDir root;
    ResyncSettings settings;
    settings.state_directory = (root.path() / "state").string();
    auto first = lock_clock(settings); // creates the missing state directory
    REQUIRE(std::holds_alternative<InstanceLock>(first));
    const auto lock_file = fs::path(settings.state_directory) / "rtc_resync.lock";
    const auto before = read_text(lock_file);

    LogCapture log;
    auto second = lock_clock(settings);
    REQUIRE(std::holds_alternative<int>(second));
    CHECK(std::get<int>(second) == kExitLocked);
    CHECK(log.count("pid " + std::to_string(getpid())) == 1);
    CHECK(log.count("nothing changed") == 1);
    CHECK(read_text(lock_file) == before);
}

TEST_CASE("rtc_resync without a usable lock file exits 3 and says why", "[rtc_resync][lock]") {
    TempDir root;
    ResyncSettings settings;
    settings.state_directory = root.path().string();
    fs::create_directory(root.path() / "rtc_resync.lock"); // a directory where the file belongs
    LogCapture log;
    auto lock = lock_clock(settings);
    REQUIRE(std::holds_alternative<int>(lock));
    CHECK(std::get<int>(lock) == kExitRuntime);
    CHECK(log.count("rtc_resync.lock") == 1);
}
