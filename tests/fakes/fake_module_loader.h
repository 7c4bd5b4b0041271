// Answers load() from a table, and records what was asked, so the load command's wording
// and exit codes are tested for every kernel answer without loading anything.
#pragma once

#include "common/module_loader.h"

#include <map>
#include <string>
#include <vector>

namespace guestclock {

class FakeModuleLoader final : public ModuleLoader {
  public:
    std::map<std::string, int> errnos; // module name -> errno its load fails with
    std::vector<std::string> loaded;   // modules live now (in load order)
    std::vector<std::string> requests;

    Result<ModuleLoadOutcome> load(std::string_view name) override {
        requests.emplace_back(name);
        if (auto it = errnos.find(std::string(name)); it != errnos.end())
            return fail(it->second, "fake load " + std::string(name));
        for (const auto& module : loaded)
            if (module == name) return ModuleLoadOutcome::already_loaded;
        loaded.emplace_back(name);
        return ModuleLoadOutcome::loaded;
    }
};

} // namespace guestclock
