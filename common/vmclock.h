// The vmclock device (ptp_vmclock, Linux 6.13+): a page the hypervisor shares with the guest,
// readable through /dev/vmclockN. We use two of its fields: disruption_marker changes when the
// guest's counter was disrupted (live migration), vm_generation_counter when the guest was
// restored from a snapshot. Either means: forget what was learnt and re-synchronise now.
#pragma once

#include "common/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace guestclock {

struct VmclockState {
    std::uint32_t seq_count = 0;
    std::uint64_t disruption_marker = 0;
    std::uint64_t flags = 0;
    std::uint8_t clock_status = 0; // 2 synchronised, 3 free-running, 4 unreliable
    std::optional<std::uint64_t> vm_generation_counter; // when the flag says it is there
};

// Decodes the little-endian vmclock_abi structure; EINVAL for a wrong magic or a buffer too
// short for the fields it claims, EAGAIN while the host is updating it (odd seq_count).
Result<VmclockState> parse_vmclock(std::span<const std::uint8_t> bytes);

// Reads and decodes /dev/vmclockN.
Result<VmclockState> read_vmclock(const std::string& path);

// True when the host reports a migration or a snapshot restore between the two states.
bool vmclock_disrupted(const VmclockState& before, const VmclockState& now);

// "/dev/vmclock0" for a PHC whose clock_name is "vmclock0"; nullopt for any other name.
std::optional<std::string> vmclock_device_for(const std::string& clock_name);

} // namespace guestclock
