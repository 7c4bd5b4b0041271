// Files the tools write as root: never through a link or a name someone else planted, with the
// documented mode, and never in a directory others could change.
#include "common/atomic_file.h"
#include "tests/unit/temp_dir.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace guestclock;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;

struct stat lstat_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    return st;
}

std::vector<std::string> names_in(const fs::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory))
        names.push_back(entry.path().filename().string());
    std::ranges::sort(names);
    return names;
}

// A file an attacker would like root to overwrite or chmod, outside the directory written to.
struct Victim {
    TempDir elsewhere;
    fs::path path = elsewhere.path() / "shadow";
    Victim() {
        elsewhere.write("shadow", "precious\n");
        fs::permissions(path, fs::perms(0640));
    }
    bool untouched() const {
        return read_file(path) == "precious\n" && (lstat_of(path).st_mode & 07777) == 0640;
    }
};

} // namespace

TEST_CASE("write_file_atomically gives the file its mode whatever the umask", "[atomic_file]") {
    TempDir dir;
    const mode_t old_umask = umask(0077); // the units' UMask=0077
    const auto textfile = write_file_atomically(dir.path() / "a.prom", "a 1\n");
    const auto state = write_file_atomically(dir.path() / "state", "1\n", 0600);
    umask(old_umask);
    REQUIRE(textfile);
    REQUIRE(state);
    REQUIRE((lstat_of(dir.path() / "a.prom").st_mode & 07777) == 0644);
    REQUIRE((lstat_of(dir.path() / "state").st_mode & 07777) == 0600);
    REQUIRE(read_file(dir.path() / "a.prom") == "a 1\n");
    REQUIRE(names_in(dir.path()) == std::vector<std::string>{"a.prom", "state"});
}

TEST_CASE("write_file_atomically replaces a symlink at the target instead of following it",
          "[atomic_file]") {
    TempDir dir;
    Victim victim;
    const auto target = dir.path() / "ptp_kvm.conf";
    fs::create_symlink(victim.path, target);

    REQUIRE(write_file_atomically(target, "refclock PHC /dev/ptp0\n"));

    REQUIRE(victim.untouched());
    const auto st = lstat_of(target);
    REQUIRE(S_ISREG(st.st_mode));
    REQUIRE((st.st_mode & 07777) == 0644);
    REQUIRE(st.st_uid == geteuid());
    REQUIRE(read_file(target) == "refclock PHC /dev/ptp0\n");
}

TEST_CASE("write_file_atomically ignores links planted at temporary names one could predict",
          "[atomic_file]") {
    TempDir dir;
    Victim victim;
    const std::vector<std::string> planted = {"a.prom.tmp",  "a.prom~",       ".a.prom.tmp",
                                              "a.prom.new",  "a.prom.XXXXXX", "a.prom.0",
                                              ".a.prom.swp", "a.prom.partial"};
    for (const auto& name : planted)
        fs::create_symlink(victim.path, dir.path() / name);

    REQUIRE(write_file_atomically(dir.path() / "a.prom", "a 1\n"));

    REQUIRE(victim.untouched());
    for (const auto& name : planted) {
        REQUIRE(fs::is_symlink(dir.path() / name));
        REQUIRE(fs::read_symlink(dir.path() / name) == victim.path);
    }
    // Nothing left besides the file and the links: the temporary name was one nobody planted.
    REQUIRE(names_in(dir.path()).size() == planted.size() + 1);
    REQUIRE(read_file(dir.path() / "a.prom") == "a 1\n");
}

TEST_CASE("write_file_atomically refuses a directory anyone may change", "[atomic_file]") {
    TempDir dir;
    const auto open_dir = dir.path() / "open";
    fs::create_directory(open_dir);
    fs::permissions(open_dir, fs::perms(0777));

    const auto refused = write_file_atomically(open_dir / "a.prom", "a 1\n");
    REQUIRE_FALSE(refused);
    REQUIRE(refused.error().errno_value == EPERM);
    REQUIRE_THAT(refused.error().context, Catch::Contains("writable by everyone"));
    REQUIRE(names_in(open_dir).empty());

    SECTION("unless it is sticky, like /tmp: others cannot then move our file") {
        fs::permissions(open_dir, fs::perms(01777));
        REQUIRE(write_file_atomically(open_dir / "a.prom", "a 1\n"));
        REQUIRE(read_file(open_dir / "a.prom") == "a 1\n");
    }
}

// Handing a directory or a file to another user takes root.
TEST_CASE("write_file_atomically refuses a directory another user owns or whose group may write",
          "[atomic_file][root]") {
    if (geteuid() != 0) return;
    TempDir dir;
    const auto theirs = dir.path() / "theirs";
    fs::create_directory(theirs);

    SECTION("owned by another user, even if only they may write") {
        REQUIRE(chown(theirs.c_str(), kNobody, 0) == 0);
        fs::permissions(theirs, fs::perms(0755));
        const auto refused = write_file_atomically(theirs / "a.prom", "a 1\n");
        REQUIRE_FALSE(refused);
        REQUIRE(refused.error().errno_value == EPERM);
        REQUIRE_THAT(refused.error().context, Catch::Contains("neither root nor us"));
        REQUIRE(names_in(theirs).empty());
    }
    SECTION("ours, but writable by another group") {
        REQUIRE(chown(theirs.c_str(), 0, kNobody) == 0);
        fs::permissions(theirs, fs::perms(0775));
        const auto refused = write_file_atomically(theirs / "a.prom", "a 1\n");
        REQUIRE_FALSE(refused);
        REQUIRE_THAT(refused.error().context, Catch::Contains("writable by group"));
    }
    SECTION("ours, writable by root's group only") {
        REQUIRE(chown(theirs.c_str(), 0, 0) == 0);
        fs::permissions(theirs, fs::perms(0775));
        REQUIRE(write_file_atomically(theirs / "a.prom", "a 1\n"));
    }
}

TEST_CASE("write_file_atomically replaces a file another user planted at the target",
          "[atomic_file][root]") {
    if (geteuid() != 0) return;
    TempDir dir;
    const auto target = dir.path() / "rtc_resync.last-good";
    dir.write("rtc_resync.last-good", "4102444800\n");
    REQUIRE(chown(target.c_str(), kNobody, kNobody) == 0);
    fs::permissions(target, fs::perms(0666));

    REQUIRE(write_file_atomically(target, "1900000000\n"));

    const auto st = lstat_of(target);
    REQUIRE(st.st_uid == 0); // a new file, not theirs rewritten: they can no longer change it
    REQUIRE((st.st_mode & 07777) == 0644);
    REQUIRE(read_file(target) == "1900000000\n");
}

// RLIMIT_FSIZE makes every write past the limit fail (EFBIG) the way a full /var/lib or textfile
// directory does (ENOSPC): the same short write, with no filesystem to fill.
TEST_CASE("write_file_atomically on a full disk keeps the old file and leaves no temporary",
          "[atomic_file]") {
    TempDir dir;
    REQUIRE(write_file_atomically(dir.path() / "state", "old\n"));
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto old_handler = signal(SIGXFSZ, SIG_IGN); // else the kernel kills the writer
    rlimit full = saved;
    full.rlim_cur = 2;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &full) == 0);
    const auto written = write_file_atomically(dir.path() / "state", "new content\n");
    REQUIRE(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    signal(SIGXFSZ, old_handler);
    REQUIRE_FALSE(written);
    REQUIRE(written.error().errno_value == EFBIG);
    REQUIRE(read_file(dir.path() / "state") == "old\n");
    REQUIRE(names_in(dir.path()) == std::vector<std::string>{"state"});
}
