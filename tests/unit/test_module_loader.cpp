#include "common/module_loader.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("KmodModuleLoader without libkmod is an error value naming the library",
          "[module_loader]") {
    KmodModuleLoader loader("libguestclock-absent.so.0");
    const auto outcome = loader.load("ptp_kvm");
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().errno_value == ELIBACC);
    CHECK(outcome.error().message().find("libguestclock-absent.so.0") != std::string::npos);
}

TEST_CASE("KmodModuleLoader refuses a library that is not libkmod", "[module_loader]") {
    // libm is always there and has none of libkmod's functions.
    KmodModuleLoader loader("libm.so.6");
    const auto outcome = loader.load("ptp_kvm");
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().errno_value == ELIBACC);
    CHECK(outcome.error().message().find("libm.so.6") != std::string::npos);
}
