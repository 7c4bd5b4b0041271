#include "clocksource_audit/findings.h"
#include "common/enum_names.h"
#include "common/hypervisor.h"
#include "common/phc.h"
#include "common/phc_kind.h"
#include "common/rtc_calendar.h"
#include "common/rtc_edges.h"
#include "ptp_kvm_helper/sync_metrics.h"
#include "rtc_resync/correction_policy.h"
#include "rtc_resync/daemon_metrics.h"
#include "rtc_resync/reference_gate.h"

#include <catch2/catch.hpp>
#include <set>

using namespace guestclock;

namespace {

// Whether Value is one of its enum's enumerators: the compiler spells a named value by its
// name in the function's signature and any other as a cast, "(Enum)5".
template <auto Value> constexpr bool names_an_enumerator() {
    const std::string_view signature = __PRETTY_FUNCTION__;
    const auto at = signature.find("Value = ");
    return at != std::string_view::npos && signature[at + 8] != '(';
}

// Every enumerator once, in declaration order (so a value is its row), each with its own
// non-empty name; and none after the last row: an enumerator added without a row fails here.
template <typename Enum, std::size_t N>
void check_table(const std::array<EnumName<Enum>, N>& table) {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < N; ++i) {
        CAPTURE(i, table[i].name);
        CHECK(table[i].value == static_cast<Enum>(i));
        CHECK_FALSE(table[i].name.empty());
        CHECK(names.insert(table[i].name).second);
        CHECK(name_in(table, table[i].value) == table[i].name);
        CHECK(value_named(table, table[i].name) == table[i].value);
    }
    CHECK_FALSE(names_an_enumerator<static_cast<Enum>(N)>());
}

} // namespace

TEST_CASE("every enum's name table has each of its values once, in order", "[enum_names]") {
    // The check itself: it tells an enumerator from a value past the last.
    STATIC_REQUIRE(names_an_enumerator<ResyncState::waiting_for_rtc>());
    STATIC_REQUIRE_FALSE(names_an_enumerator<static_cast<ResyncState>(5)>());

    check_table(kRtcTimeScaleNames);
    check_table(kPhcMethodNames);
    check_table(kEdgeMethodNames);
    check_table(kHypervisorNames);
    check_table(kPhcKindNames);
    check_table(kActionNames);
    check_table(kRefusalNames);
    check_table(kResyncStateNames);
    check_table(kSyncStateNames);
    check_table(kSeverityNames);
    check_table(kScenarioNames);
}

TEST_CASE("names are what users read: unknown values and names are told apart", "[enum_names]") {
    CHECK(name_in(kScenarioNames, Scenario::no_kvmclock) == "no-kvmclock");
    CHECK(name_in(kRtcTimeScaleNames, RtcTimeScale::local) == "LOCAL");
    CHECK(name_in(kSyncStateNames, static_cast<SyncState>(9)) == "unknown");
    CHECK_FALSE(value_named(kScenarioNames, "no_kvmclock"));
    CHECK_FALSE(value_named(kRtcTimeScaleNames, "utc"));
}
