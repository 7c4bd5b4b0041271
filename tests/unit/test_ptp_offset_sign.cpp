// One sign end to end: a PHC ahead of the system clock is a negative system-minus-PHC offset in
// the servo's input, the offset command's JSON, the journal field and the textfile, and the
// clock is moved forward.
#include "tests/unit/log_capture.h"
#include "tests/unit/ptp_sync_rig.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace guestclock;

namespace {

// What run_offset prints with --json.
nlohmann::json offset_json(PtpDevices& devices) {
    std::ostringstream out;
    std::streambuf* previous = std::cout.rdbuf(out.rdbuf());
    OffsetOptions options;
    options.count = 5;
    options.json = true;
    const int code = run_offset(options, devices);
    std::cout.rdbuf(previous);
    REQUIRE(code == kExitOk);
    return nlohmann::json::parse(out.str());
}

} // namespace

TEST_CASE("a PHC 5 ms ahead reads -5 ms everywhere, and the clock is stepped forward",
          "[ptp_kvm_helper][sign]") {
    SyncRig rig;
    rig.phc.ahead_of_system_ns = 5 * kNsPerMs;

    const nlohmann::json json = offset_json(rig.devices);
    REQUIRE(json["system_minus_phc_ns"] == -5 * kNsPerMs);
    REQUIRE(json["system_minus_phc_min_ns"] == -5 * kNsPerMs);
    REQUIRE(json["system_minus_phc_max_ns"] == -5 * kNsPerMs);
    REQUIRE(json["offset_ns"] == 5 * kNsPerMs); // deprecated: PHC minus system, as documented

    LogCapture log;
    rig.start();
    rig.ticks(2);
    REQUIRE(rig.service->metrics().system_minus_phc_ns == -5 * kNsPerMs);
    REQUIRE_THAT(rig.textfile(),
                 Catch::Contains("\nguestclock_ptp_kvm_sync_offset_seconds -0.005\n"));
    REQUIRE(log.count("SYSTEM_MINUS_PHC_NS=-5000000") == 2);
    REQUIRE(log.count("OFFSET_NS=5000000") == 2); // deprecated, as documented
    REQUIRE(rig.adjuster.steps == std::vector<Nanoseconds>{5 * kNsPerMs});
}

TEST_CASE("sync --once moves a clock ahead of its PHC back", "[ptp_kvm_helper][sign]") {
    SyncRig rig;
    rig.options.once = true;
    rig.phc.ahead_of_system_ns = -2 * kNsPerSec;
    REQUIRE(run_sync(rig.options, rig.devices) == kExitOk);
    REQUIRE(rig.adjuster.steps == std::vector<Nanoseconds>{-2 * kNsPerSec});
}
