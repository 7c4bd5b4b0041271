// Answers list_units() from a table of unit states, or with an error (no systemd), and records
// the patterns asked, so the time-daemon search is tested without a bus.
#pragma once

#include "common/systemd_units.h"

#include <fnmatch.h>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

class FakeUnitLister final : public UnitLister {
  public:
    std::vector<UnitState> units;      // what systemd has loaded
    std::optional<int> failure;        // errno every call fails with, as with no systemd
    std::vector<std::string> patterns; // the last call's patterns
    int calls = 0;

    Result<std::vector<UnitState>> list_units(std::span<const std::string> asked) override {
        ++calls;
        patterns.assign(asked.begin(), asked.end());
        if (failure) return fail(*failure, "fake systemd");
        // As PID 1 filters: a unit is listed when any pattern matches its name.
        std::vector<UnitState> matching;
        for (const auto& unit : units)
            for (const auto& pattern : asked)
                if (fnmatch(pattern.c_str(), unit.name.c_str(), FNM_NOESCAPE) == 0) {
                    matching.push_back(unit);
                    break;
                }
        return matching;
    }
};

} // namespace guestclock
