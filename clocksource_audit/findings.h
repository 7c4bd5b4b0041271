// The verdict: facts from the inventory and the measurements in, findings with a severity
// and a remedy out. Pure, so every rule is tested on synthetic facts.
#pragma once

#include "clocksource_audit/inventory.h"
#include "clocksource_audit/measurement.h"
#include "common/enum_names.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

enum class Severity { info, warning, error };
inline constexpr std::array<EnumName<Severity>, 3> kSeverityNames{{
    {Severity::info, "info"},
    {Severity::warning, "warning"},
    {Severity::error, "error"},
}};
constexpr std::string_view severity_name(Severity severity) {
    return name_in(kSeverityNames, severity);
}

struct Finding {
    std::string id;
    Severity severity = Severity::info;
    std::string message;
    std::string remedy;
};

// The two configurations an image can be built for.
enum class Scenario { kvmclock, no_kvmclock };
std::optional<Scenario> parse_scenario(std::string_view text);
inline constexpr std::array<EnumName<Scenario>, 2> kScenarioNames{{
    {Scenario::kvmclock, "kvmclock"},
    {Scenario::no_kvmclock, "no-kvmclock"},
}};
constexpr std::string_view scenario_name(Scenario scenario) {
    return name_in(kScenarioNames, scenario);
}

// Which scenario this guest is in: kvm-clock in use, or kvm-clock absent from the kernel
// (as no-kvmclock leaves it); nullopt when neither holds (kvm-clock registered but unused, or
// an architecture without kvm-clock).
std::optional<Scenario> detect_scenario(const Inventory& inventory);
// Why detect_scenario found none, as one phrase for reports.
std::string no_scenario_reason(const Inventory& inventory);

struct AuditFacts {
    const Inventory& inventory;
    const std::vector<ClocksourceMeasurement>& measurements;
    std::optional<Scenario> expected;
};

std::vector<Finding> assess(const AuditFacts& facts);

// Exit status 1 when any finding is an error (or, with strict, a warning).
bool findings_fail(const std::vector<Finding>& findings, bool strict);

inline constexpr std::string_view kKvmClock = "kvm-clock";

} // namespace guestclock
