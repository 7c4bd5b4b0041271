#include "common/vmclock.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <deque>
#include <fstream>
#include <random>
#include <vector>

using namespace guestclock;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put(Bytes& bytes, std::size_t at, std::uint64_t value, int size) {
    for (int i = 0; i < size; ++i)
        bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// A page as QEMU fills it after boot: 4 KiB region, no counter, UTC, synchronised, marker 1.
Bytes qemu_page() {
    Bytes bytes(112, 0);
    put(bytes, 0, 0x4b4c4356, 4); // "VCLK"
    put(bytes, 4, 4096, 4);
    put(bytes, 8, 1, 2);
    bytes[10] = 0xff;
    put(bytes, 12, 2, 4);
    put(bytes, 16, 1, 8);
    bytes[34] = 2;
    return bytes;
}

// Every field a distinct value, so a field read from its neighbour's offset shows.
Bytes full_page() {
    Bytes bytes(112, 0);
    put(bytes, 0, 0x4b4c4356, 4);
    put(bytes, 4, 4096, 4);
    put(bytes, 8, 1, 2);
    bytes[10] = 1; // x86 TSC
    bytes[11] = 1; // TAI
    put(bytes, 12, 0x10, 4);
    put(bytes, 16, 0x1122334455667788, 8);
    put(bytes, 24, 0x3ff, 8);  // every flag
    put(bytes, 32, 0xeeee, 2); // padding: never read
    bytes[34] = 3;
    bytes[35] = 2;
    put(bytes, 36, static_cast<std::uint16_t>(-37), 2);
    bytes[38] = 1;
    bytes[39] = 5;
    put(bytes, 40, 0x0102030405060708, 8);
    put(bytes, 48, 0x1112131415161718, 8);
    put(bytes, 56, 0x2122232425262728, 8);
    put(bytes, 64, 0x3132333435363738, 8);
    put(bytes, 72, 1'790'000'000, 8);
    put(bytes, 80, 0x8000000000000000, 8);
    put(bytes, 88, 1'500, 8);
    put(bytes, 96, 250'000, 8);
    put(bytes, 104, 0x4142434445464748, 8);
    return bytes;
}

int errno_of(const Result<VmclockPage>& page) {
    REQUIRE_FALSE(page);
    return page.error().errno_value;
}

// A loop whose reads answer from a script (the last entry repeats) and whose clock advances
// 1 ms per look, so a deadline is reached by counting, not by waiting.
struct ScriptedLoop {
    std::deque<Result<Bytes>> script;
    Nanoseconds now = 0;
    Nanoseconds per_look = kNsPerMs; // what passes between two looks at the clock
    int reads = 0;
    int pauses = 0;

    Result<VmclockPage> run() {
        return read_stable_vmclock({
            .read_bytes =
                [this] {
                    ++reads;
                    Result<Bytes> next = script.front();
                    if (script.size() > 1) script.pop_front();
                    return next;
                },
            .monotonic_now = [this] { return now += per_look; },
            .pause = [this] { ++pauses; },
        });
    }
};

Bytes with_seq(std::uint32_t seq) {
    Bytes bytes = qemu_page();
    put(bytes, 12, seq, 4);
    return bytes;
}

DeviceInfo misc(std::string sysname) {
    DeviceInfo device;
    device.subsystem = "misc";
    device.devnode = "/dev/" + sysname;
    device.sysname = std::move(sysname);
    return device;
}

} // namespace

TEST_CASE("vmclock: every field decodes little-endian at its ABI offset", "[vmclock]") {
    const auto page = parse_vmclock(full_page());
    REQUIRE(page);
    CHECK(page->size == 4096);
    CHECK(page->version == 1);
    CHECK(page->counter_id == 1);
    CHECK(page->counter_valid());
    CHECK(page->time_type == 1);
    CHECK(page->seq_count == 0x10);
    CHECK(page->disruption_marker == 0x1122334455667788);
    CHECK(page->flags == 0x3ff);
    CHECK(page->has(vmclock_flag::disruption_imminent));
    CHECK(page->has(vmclock_flag::notification_present));
    CHECK(page->clock_status == 3);
    CHECK(page->leap_second_smearing_hint == 2);
    CHECK(page->tai_offset_sec == -37);
    CHECK(page->leap_indicator == 1);
    CHECK(page->counter_period_shift == 5);
    CHECK(page->counter_value == 0x0102030405060708);
    CHECK(page->counter_period_frac_sec == 0x1112131415161718);
    CHECK(page->counter_period_esterror_rate_frac_sec == 0x2122232425262728);
    CHECK(page->counter_period_maxerror_rate_frac_sec == 0x3132333435363738);
    CHECK(page->time_sec == 1'790'000'000);
    CHECK(page->time_frac_sec == 0x8000000000000000);
    CHECK(page->time_esterror_nanosec == 1'500);
    CHECK(page->time_maxerror_nanosec == 250'000);
    CHECK(page->vm_generation_counter == 0x4142434445464748);
}

TEST_CASE("vmclock: QEMU's page, without counter or generation counter", "[vmclock]") {
    const auto page = parse_vmclock(qemu_page());
    REQUIRE(page);
    CHECK_FALSE(page->counter_valid());
    CHECK(page->disruption_marker == 1);
    CHECK_FALSE(page->vm_generation_counter); // flag clear: the bytes there are not a counter
    const Bytes older = qemu_page();
    CHECK(parse_vmclock(std::span(older).first(104))); // an older host's 104 bytes suffice
}

TEST_CASE("vmclock: a page that is not one, or not whole, is EINVAL", "[vmclock]") {
    Bytes bytes = qemu_page();
    SECTION("wrong magic") {
        bytes[0] = 'X';
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
        CHECK(parse_vmclock(bytes).error().context.find("magic") != std::string::npos);
    }
    SECTION("unknown version") {
        put(bytes, 8, 2, 2);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
        put(bytes, 8, 0, 2);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
    }
    SECTION("size field smaller than the structure") {
        put(bytes, 4, 103, 4);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
        put(bytes, 4, 104, 4);
        CHECK(parse_vmclock(bytes)); // the bare structure, without generation counter
        put(bytes, 24, vmclock_flag::vm_generation_counter_present, 8);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL); // flagged but outside the region
    }
    SECTION("size field beyond any page") {
        put(bytes, 4, (1U << 20) + 1, 4);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
        put(bytes, 4, 0xffffffff, 4);
        CHECK(errno_of(parse_vmclock(bytes)) == EINVAL);
    }
    SECTION("bytes fewer than the fields") {
        CHECK(errno_of(parse_vmclock(std::span(bytes).first(103))) == EINVAL);
        CHECK(errno_of(parse_vmclock(std::span(bytes).first(11))) == EINVAL);
        CHECK(errno_of(parse_vmclock({})) == EINVAL);
    }
    SECTION("generation counter flagged but cut off") {
        put(bytes, 24, vmclock_flag::vm_generation_counter_present, 8);
        CHECK(errno_of(parse_vmclock(std::span(bytes).first(104))) == EINVAL);
        CHECK(errno_of(parse_vmclock(std::span(bytes).first(111))) == EINVAL);
        CHECK(parse_vmclock(bytes)->vm_generation_counter == 0);
    }
}

TEST_CASE("vmclock: an odd seq_count is a page mid-update, EAGAIN", "[vmclock]") {
    CHECK(errno_of(parse_vmclock(with_seq(3))) == EAGAIN);
}

TEST_CASE("vmclock: mangled pages decode or fail cleanly, never half-way", "[vmclock]") {
    std::mt19937 random(20261201); // fixed: a failure reproduces
    const Bytes good = full_page();
    for (int i = 0; i < 20000; ++i) {
        Bytes bytes = good;
        const int flips = std::uniform_int_distribution(1, 4)(random);
        for (int f = 0; f < flips; ++f) {
            const auto at = std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(random);
            bytes[at] = static_cast<std::uint8_t>(random());
        }
        bytes.resize(std::uniform_int_distribution<std::size_t>(0, 160)(random));
        const auto page = parse_vmclock(bytes);
        if (!page) {
            const int e = page.error().errno_value;
            REQUIRE((e == EINVAL || e == EAGAIN));
            continue;
        }
        // Whatever decodes holds what the checks promise.
        REQUIRE(page->version == 1);
        REQUIRE(page->size >= kVmclockBaseSize);
        REQUIRE(page->size <= kVmclockMaxRegionSize);
        REQUIRE(page->seq_count % 2 == 0);
        REQUIRE(page->vm_generation_counter.has_value() ==
                page->has(vmclock_flag::vm_generation_counter_present));
    }
}

TEST_CASE("vmclock: names of the coded fields", "[vmclock]") {
    CHECK(vmclock_status_name(2) == "synchronized");
    CHECK(vmclock_status_name(3) == "free-running");
    CHECK(vmclock_status_name(4) == "unreliable");
    CHECK(vmclock_status_name(9) == "unknown(9)");
    CHECK(vmclock_counter_name(1) == "x86-tsc");
    CHECK(vmclock_counter_name(0xff) == "none");
    CHECK(vmclock_counter_name(7) == "unknown(7)");
    CHECK(vmclock_time_type_name(0) == "utc");
    CHECK(vmclock_time_type_name(4) == "maybe-smeared");
    CHECK(vmclock_leap_indicator_name(1) == "pre-positive");
    CHECK(vmclock_leap_indicator_name(5) == "post-negative");
    CHECK(vmclock_leap_indicator_name(6) == "unknown(6)");
    CHECK(vmclock_flag_names(0).empty());
    CHECK(vmclock_flag_names(vmclock_flag::tai_offset_valid | vmclock_flag::notification_present |
                             (std::uint64_t{1} << 40)) ==
          std::vector<std::string>{"tai-offset-valid", "notification-present", "bit40"});
}

TEST_CASE("vmclock read loop: two reads with one even seq_count make a page", "[vmclock]") {
    ScriptedLoop loop;
    loop.script = {with_seq(4)};
    const auto page = loop.run();
    REQUIRE(page);
    CHECK(page->seq_count == 4);
    CHECK(loop.reads == 2);
    CHECK(loop.pauses == 0);
}

TEST_CASE("vmclock read loop: a stable page is confirmed however late the second read comes",
          "[vmclock]") {
    ScriptedLoop loop;
    loop.script = {with_seq(4)};
    loop.per_look = kNsPerSec; // an emulated guest descheduled between its two reads
    const auto page = loop.run();
    REQUIRE(page);
    CHECK(loop.reads == 2);
}

TEST_CASE("vmclock read loop: a page that moved between reads is read again", "[vmclock]") {
    ScriptedLoop loop;
    loop.script = {with_seq(4), with_seq(5), with_seq(6)};
    const auto page = loop.run();
    REQUIRE(page);
    CHECK(page->seq_count == 6); // 4, then mid-update, then 6 twice
    CHECK(loop.reads == 4);
    CHECK(loop.pauses == 1);
}

TEST_CASE("vmclock read loop: a host stuck mid-update is EAGAIN at the deadline", "[vmclock]") {
    ScriptedLoop loop;
    loop.script = {with_seq(7)};
    const auto page = loop.run();
    CHECK(errno_of(page) == EAGAIN);
    CHECK(page.error().context.find("stuck mid-update") != std::string::npos);
    // 1 ms per look and a 100 ms deadline: the loop gave up there, not after the first try.
    CHECK(loop.reads == 100);
}

TEST_CASE("vmclock read loop: the driver's ETIMEDOUT is the same stuck host", "[vmclock]") {
    ScriptedLoop loop;
    loop.script = {fail(ETIMEDOUT, "read /dev/vmclock0")};
    CHECK(errno_of(loop.run()) == EAGAIN);

    ScriptedLoop recovers;
    recovers.script = {fail(ETIMEDOUT, "read"), with_seq(8)};
    REQUIRE(recovers.run());
}

TEST_CASE("vmclock read loop: a bad page or a failed read ends at once", "[vmclock]") {
    ScriptedLoop bad;
    Bytes wrong = qemu_page();
    wrong[0] = 0;
    bad.script = {wrong};
    CHECK(errno_of(bad.run()) == EINVAL);
    CHECK(bad.reads == 1);

    ScriptedLoop gone;
    gone.script = {fail(ENODEV, "read /dev/vmclock0")};
    CHECK(errno_of(gone.run()) == ENODEV);
    CHECK(gone.reads == 1);
}

TEST_CASE("vmclock device: a file read through the device path decodes", "[vmclock]") {
    TempDir dir;
    const auto path = (dir.path() / "vmclock0").string();
    auto write = [&](const Bytes& bytes) {
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
    };

    Bytes page = full_page();
    write(page);
    auto device = DeviceVmclock::open(path);
    REQUIRE(device);
    CHECK((*device)->path() == path);
    CHECK((*device)->notify_fd() >= 0); // the page flags notifications
    auto read = (*device)->read();
    REQUIRE(read);
    CHECK(read->disruption_marker == 0x1122334455667788);

    put(page, 16, 0x99, 8); // the host moved on: the open device reads the new page
    write(page);
    CHECK((*device)->read()->disruption_marker == 0x99);

    write(qemu_page()); // QEMU offers no notification: no descriptor that would spin a loop
    auto quiet = DeviceVmclock::open(path);
    REQUIRE(quiet);
    CHECK((*quiet)->notify_fd() == -1);

    page[0] = 'X';
    write(page);
    const auto wrong_magic = DeviceVmclock::open(path);
    REQUIRE_FALSE(wrong_magic);
    CHECK(wrong_magic.error().errno_value == EINVAL);
    CHECK(wrong_magic.error().context.find(path) != std::string::npos);

    page = qemu_page();
    put(page, 8, 3, 2);
    write(page);
    CHECK(DeviceVmclock::open(path).error().errno_value == EINVAL);

    const auto missing = DeviceVmclock::open((dir.path() / "vmclock9").string());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().errno_value == ENOENT);
}

TEST_CASE("vmclock devices: found in misc, ordered by number, others ignored", "[vmclock]") {
    FakeDeviceFinder finder;
    finder.devices = {misc("vmclock10"), misc("rfkill"),   misc("vmclock2"),
                      misc("vmclock"),   misc("vmclockx"), misc("vmclock0")};
    DeviceInfo no_node = misc("vmclock1");
    no_node.devnode.clear(); // udev has not made its node yet
    finder.devices.push_back(no_node);
    CHECK(find_vmclock_devices(finder) ==
          std::vector<std::string>{"/dev/vmclock0", "/dev/vmclock2", "/dev/vmclock10"});

    finder.devices = {misc("rfkill")};
    CHECK(find_vmclock_devices(finder)->empty());

    finder.fail_with_errno = EACCES;
    CHECK(find_vmclock_devices(finder).error().errno_value == EACCES);
}

TEST_CASE("vmclock: sysnames and the device node from the PHC's clock_name", "[vmclock]") {
    CHECK(is_vmclock_sysname("vmclock0"));
    CHECK(is_vmclock_sysname("vmclock12"));
    CHECK_FALSE(is_vmclock_sysname("vmclock"));
    CHECK_FALSE(is_vmclock_sysname("vmclock-1"));
    CHECK_FALSE(is_vmclock_sysname("xvmclock0"));
    CHECK(vmclock_device_for("vmclock0") == "/dev/vmclock0");
    CHECK(vmclock_device_for("vmclock12") == "/dev/vmclock12");
    CHECK_FALSE(vmclock_device_for("vmclock"));
    CHECK_FALSE(vmclock_device_for("vmclock0/../x"));
    CHECK_FALSE(vmclock_device_for("KVM virtual PTP"));
}
