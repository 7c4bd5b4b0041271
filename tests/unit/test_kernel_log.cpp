#include "clocksource_audit/kernel_messages.h"
#include "common/kernel_log.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

KernelLogReader gives(std::string text) {
    return [text] { return Result<std::string>{text}; };
}

KernelLogReader fails_with(int errno_value, std::string context) {
    return [=]() -> Result<std::string> { return fail(errno_value, context); };
}

KernelLogReader never_read(bool& called) {
    return [&called] {
        called = true;
        return Result<std::string>{"x"};
    };
}

} // namespace

TEST_CASE("kernel log: the ring buffer first, the journal untouched", "[audit][kernel-log]") {
    bool journal_read = false;
    auto log = read_kernel_log(gives("<6>[0.1] clocksource: Switched to clocksource tsc\n"),
                               never_read(journal_read));
    REQUIRE(log);
    REQUIRE(log->source == "kernel ring buffer");
    REQUIRE_FALSE(journal_read);
}

TEST_CASE("kernel log: dmesg_restrict denies the ring buffer, the journal has this boot",
          "[audit][kernel-log]") {
    auto log = read_kernel_log(fails_with(EPERM, "klogctl SIZE_BUFFER"),
                               gives("clocksource: Switched to clocksource kvm-clock\n"
                                     "clocksource: Switched to clocksource tsc\n"));
    REQUIRE(log);
    REQUIRE(log->source == "journal");
    // The journal's MESSAGE fields carry no "<level>[time]" prefix; the parser takes both.
    REQUIRE(parse_clocksource_messages(log->text).switches ==
            std::vector<std::string>{"kvm-clock", "tsc"});
}

TEST_CASE("kernel log: neither readable says why for both", "[audit][kernel-log]") {
    SECTION("the journal holds nothing this user may read") {
        auto log = read_kernel_log(fails_with(EPERM, "klogctl SIZE_BUFFER"), gives(""));
        REQUIRE_FALSE(log);
        const auto message = log.error().message();
        REQUIRE(message.find("kernel.dmesg_restrict=1 needs CAP_SYSLOG") != std::string::npos);
        REQUIRE(message.find("group adm or systemd-journal") != std::string::npos);
    }
    SECTION("the journal itself fails") {
        auto log = read_kernel_log(fails_with(ENOSYS, "klogctl SIZE_BUFFER"),
                                   fails_with(ENOENT, "opening the journal"));
        REQUIRE_FALSE(log);
        const auto message = log.error().message();
        REQUIRE(message.find("klogctl SIZE_BUFFER") != std::string::npos);
        REQUIRE(message.find("opening the journal") != std::string::npos);
        REQUIRE(log.error().errno_value == ENOSYS);
    }
}
