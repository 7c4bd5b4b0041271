// Loads kernel modules through libkmod the way `modprobe` and systemd's module-load do:
// resolving aliases, honouring blacklists, and telling "already there" from "just loaded".
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>

namespace guestclock {

enum class ModuleLoadOutcome {
    loaded,         // inserted now
    already_loaded, // was live (or built in) before we asked
};

class ModuleLoader {
  public:
    virtual ~ModuleLoader() = default;
    // Errors keep the kernel's errno: ENOENT when no such module exists for this kernel,
    // EPERM when a blacklist forbids it, and the module's own init error otherwise (ptp_kvm
    // answers EOPNOTSUPP when the host refuses clock pairing).
    virtual Result<ModuleLoadOutcome> load(std::string_view name) = 0;
};

// Opens libkmod with dlopen() inside load() and closes it again, as systemd does with its
// optional libraries: only `ptp_kvm_helper load` pays for libkmod and the libcrypto it pulls in,
// and the tools run where libkmod is not installed.
class KmodModuleLoader final : public ModuleLoader {
  public:
    explicit KmodModuleLoader(std::string library = "libkmod.so.2");
    // Also ELIBACC when the library cannot be opened or lacks a function we call.
    Result<ModuleLoadOutcome> load(std::string_view name) override;

  private:
    std::string library_;
};

} // namespace guestclock
