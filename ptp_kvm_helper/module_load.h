// `load`: make the KVM PHC exist. Decides whether to load ptp_kvm, loads it and waits for its
// clock, and names each way this can fail so the user learns which one it was.
#pragma once

#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/hypervisor.h"
#include "common/module_loader.h"
#include "common/phc_kind.h"

#include <string>

namespace guestclock {

enum class LoadFailure {
    not_kvm,
    module_missing,
    blacklisted,
    host_refused,
    no_kvm_clock,
    timeout,
    other
};

struct LoadError {
    LoadFailure failure = LoadFailure::other;
    std::string message; // one line that says what happened and what to do
};

struct LoadReport {
    ModuleLoadOutcome outcome = ModuleLoadOutcome::loaded;
    PhcCandidate phc;
};

struct LoadRequest {
    HypervisorIdentity hypervisor;
    bool force = false; // load even when CPUID does not say KVM
    Nanoseconds timeout = 10 * kNsPerSec;
};

// monitor must have been opened before the call, so the PHC's arrival cannot be missed.
std::expected<LoadReport, LoadError> load_ptp_kvm(const LoadRequest& request, ModuleLoader& loader,
                                                  DeviceFinder& finder, DeviceMonitor& monitor);

// The words for a failed load of ptp_kvm, by errno.
LoadError describe_module_error(const Error& error);

} // namespace guestclock
