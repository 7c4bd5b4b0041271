// Records the units asked to restart and answers from a table, so the chrony command's
// restart of chronyd is tested without a bus.
#pragma once

#include "common/systemd_units.h"

#include <map>
#include <string>
#include <vector>

namespace guestclock {

class FakeUnitRestarter final : public UnitRestarter {
  public:
    std::map<std::string, int> errnos; // unit -> errno its restart fails with
    std::vector<std::string> restarted;
    std::vector<std::string> asked;

    Status try_restart(std::string_view unit) override {
        asked.emplace_back(unit);
        if (auto it = errnos.find(std::string(unit)); it != errnos.end())
            return fail(it->second, "fake restart " + std::string(unit));
        restarted.emplace_back(unit);
        return {};
    }
};

} // namespace guestclock
