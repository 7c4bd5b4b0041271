#include "ptp_kvm_helper/chrony_config.h"

#include <catch2/catch.hpp>

using namespace guestclock;

namespace {

// Debian 12's chrony.conf, shortened.
const char* kDebianConfig = "# Welcome to the chrony configuration file.\n"
                            "confdir /etc/chrony/conf.d\n"
                            "\n"
                            "pool 2.debian.pool.ntp.org iburst\n"
                            "  ! a comment with leading blanks\n"
                            "sourcedir /etc/chrony/sources.d\n"
                            "MakeStep 1 3\n"
                            "rtcsync"; // no final newline

} // namespace

TEST_CASE("chrony.conf parses into directives with line numbers", "[chrony]") {
    const auto config = parse_chrony_config(kDebianConfig);
    REQUIRE(config.size() == 5);
    REQUIRE(config[0].name == "confdir");
    REQUIRE(config[0].arguments == std::vector<std::string>{"/etc/chrony/conf.d"});
    REQUIRE(config[3].name == "makestep"); // case-insensitive
    REQUIRE(config[3].line == 7);
    REQUIRE(config[4].name == "rtcsync");
    REQUIRE(config[4].arguments.empty());
    REQUIRE(parse_chrony_config("").empty());
    REQUIRE(parse_chrony_config("# only\n;comments\n%here\n").empty());
}

TEST_CASE("the drop-in directory and what overrides the drop-in", "[chrony]") {
    const auto config = parse_chrony_config(kDebianConfig);
    REQUIRE(drop_in_directory(config) == "/etc/chrony/conf.d");
    const auto later = overriding_directives(config, "makestep");
    REQUIRE(later.size() == 1);
    REQUIRE(later[0].line == 7);

    // A makestep before confdir is overridden by the drop-in, not the other way round.
    const auto before = parse_chrony_config("makestep 1 3\nconfdir /x\n");
    REQUIRE(overriding_directives(before, "makestep").empty());
    REQUIRE_FALSE(drop_in_directory(parse_chrony_config("confdir\n")));
}

TEST_CASE("the drop-in follows the PHC and steps at any time", "[chrony]") {
    const std::string text = chrony_drop_in({"/dev/ptp_hyperv", 3});
    // Four readings per update, whatever the poll.
    REQUIRE(text.find("refclock PHC /dev/ptp_hyperv poll 3 dpoll 1 maxdispersion 0.001 prefer") !=
            std::string::npos);
    REQUIRE(chrony_drop_in({}).find("refclock PHC /dev/ptp_kvm poll -2 dpoll -4 ") !=
            std::string::npos);
    const auto directives = parse_chrony_config(text);
    REQUIRE(directives.size() == 2);
    REQUIRE(directives[1].name == "makestep");
    REQUIRE(directives[1].arguments[1] == "-1"); // no limit: steps after reverts too
}
