#include "common/vmclock.h"

#include "common/file_descriptor.h"

#include <array>
#include <fcntl.h>
#include <unistd.h>

namespace guestclock {

namespace {

// Offsets in struct vmclock_abi (include/uapi/linux/vmclock-abi.h).
constexpr std::size_t kMagicAt = 0;
constexpr std::size_t kSeqCountAt = 12;
constexpr std::size_t kDisruptionMarkerAt = 16;
constexpr std::size_t kFlagsAt = 24;
constexpr std::size_t kClockStatusAt = 34;
constexpr std::size_t kVmGenerationCounterAt = 104;
constexpr std::uint32_t kMagic = 0x4b4c4356; // "VCLK"
constexpr std::uint64_t kFlagVmGenerationCounterPresent = 1U << 8;
// The whole structure as far as we read it.
constexpr std::size_t kReadSize = 112;

template <class T> T little_endian(std::span<const std::uint8_t> bytes, std::size_t at) {
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        value |= static_cast<T>(bytes[at + i]) << (8 * i);
    return value;
}

} // namespace

Result<VmclockState> parse_vmclock(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kVmGenerationCounterAt) return fail(EINVAL, "vmclock structure truncated");
    if (little_endian<std::uint32_t>(bytes, kMagicAt) != kMagic)
        return fail(EINVAL, "not a vmclock structure (wrong magic)");
    VmclockState state;
    state.seq_count = little_endian<std::uint32_t>(bytes, kSeqCountAt);
    if (state.seq_count & 1U) return fail(EAGAIN, "vmclock is being updated");
    state.disruption_marker = little_endian<std::uint64_t>(bytes, kDisruptionMarkerAt);
    state.flags = little_endian<std::uint64_t>(bytes, kFlagsAt);
    state.clock_status = bytes[kClockStatusAt];
    if (state.flags & kFlagVmGenerationCounterPresent) {
        if (bytes.size() < kReadSize)
            return fail(EINVAL, "vmclock structure truncated before vm_generation_counter");
        state.vm_generation_counter = little_endian<std::uint64_t>(bytes, kVmGenerationCounterAt);
    }
    return state;
}

Result<VmclockState> read_vmclock(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno("open " + path);
    std::array<std::uint8_t, kReadSize> buffer{};
    const ssize_t n = ::pread(fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return fail_errno("read " + path);
    auto state = parse_vmclock(std::span(buffer.data(), static_cast<std::size_t>(n)));
    if (!state) return fail(state.error().errno_value, path + ": " + state.error().context);
    return state;
}

bool vmclock_disrupted(const VmclockState& before, const VmclockState& now) {
    return before.disruption_marker != now.disruption_marker ||
           before.vm_generation_counter != now.vm_generation_counter;
}

std::optional<std::string> vmclock_device_for(const std::string& clock_name) {
    if (!clock_name.starts_with("vmclock") || clock_name.size() == 7) return std::nullopt;
    if (clock_name.find_first_not_of("0123456789", 7) != std::string::npos) return std::nullopt;
    return "/dev/" + clock_name;
}

} // namespace guestclock
