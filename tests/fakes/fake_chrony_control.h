// A chronyd that answers chronyc's questions from fields a test sets, and records the commands
// it was given, so that a request to step is tested without chronyd.
#pragma once

#include "common/chrony_control.h"

#include <optional>
#include <string>
#include <vector>

namespace guestclock {

class FakeChronyControl final : public ChronyControl {
  public:
    ChronyTracking state{"PHC0", 1'780'000'000.25, 0.0, "Normal"};
    std::optional<int> fail_with_errno; // every command fails while set
    std::vector<std::string> commands;

    Result<ChronyTracking> tracking() override {
        commands.emplace_back("tracking");
        if (fail_with_errno) return fail(*fail_with_errno, "fake chronyc tracking");
        return state;
    }
    Status remeasure() override { return command("remeasure"); }
    Status step() override { return command("makestep"); }

    int count(const std::string& name) const {
        int n = 0;
        for (const auto& c : commands)
            n += c == name ? 1 : 0;
        return n;
    }

  private:
    Status command(const std::string& name) {
        commands.push_back(name);
        if (fail_with_errno) return fail(*fail_with_errno, "fake chronyc " + name);
        return {};
    }
};

} // namespace guestclock
