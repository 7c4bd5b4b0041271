// The vmclock page (Linux 6.13+ ptp_vmclock, /dev/vmclockN; ACPI id AMZNC10C, QEMU 10's
// `-device vmclock`, EC2, Firecracker): a structure the hypervisor fills and the guest reads.
// Its disruption_marker changes on every snapshot load and incoming migration, and its
// vm_generation_counter (when flagged) on every restore: the moments a guest's clock jumps or its
// counter's rate changes without the guest noticing. The page also says how the host rates its
// own clock (clock_status, error bounds) and whether a leap second is near.
//
// Decoding (parse_vmclock) is pure; DeviceVmclock reads the miscdev; finding one goes through
// the DeviceFinder (udev's "misc" subsystem). What a change of markers means to a daemon is
// common/vmclock_watch.h's business.
#pragma once

#include "common/device_finder.h"
#include "common/file_descriptor.h"
#include "common/result.h"
#include "common/time_ns.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

// Bits of VmclockPage::flags (include/uapi/linux/vmclock-abi.h).
namespace vmclock_flag {
constexpr std::uint64_t tai_offset_valid = 1U << 0;
constexpr std::uint64_t disruption_soon = 1U << 1;     // host maintenance in about a day
constexpr std::uint64_t disruption_imminent = 1U << 2; // ... in about an hour
constexpr std::uint64_t period_esterror_valid = 1U << 3;
constexpr std::uint64_t period_maxerror_valid = 1U << 4;
constexpr std::uint64_t time_esterror_valid = 1U << 5;
constexpr std::uint64_t time_maxerror_valid = 1U << 6;
constexpr std::uint64_t time_monotonic = 1U << 7;
constexpr std::uint64_t vm_generation_counter_present = 1U << 8;
constexpr std::uint64_t notification_present = 1U << 9; // the driver's poll() wakes on changes
} // namespace vmclock_flag

enum class VmclockStatus : std::uint8_t {
    unknown = 0,
    initializing = 1,
    synchronized = 2,
    free_running = 3,
    unreliable = 4,
};

// Every field the ABI defines, decoded from little-endian; names as in the ABI.
struct VmclockPage {
    std::uint32_t size = 0; // of the region holding the structure
    std::uint16_t version = 0;
    std::uint8_t counter_id = 0xff; // 0 arm vcnt, 1 x86 TSC, 0xff none (no PHC then)
    std::uint8_t time_type = 0;     // 0 UTC, 1 TAI, 2 monotonic, 3/4 smeared (unsupported)
    std::uint32_t seq_count = 0;    // even: the page was stable while read
    std::uint64_t disruption_marker = 0;
    std::uint64_t flags = 0;
    std::uint8_t clock_status = 0; // a VmclockStatus value; others are reported as they are
    std::uint8_t leap_second_smearing_hint = 0;
    std::int16_t tai_offset_sec = 0;
    std::uint8_t leap_indicator = 0;
    std::uint8_t counter_period_shift = 0;
    std::uint64_t counter_value = 0;
    std::uint64_t counter_period_frac_sec = 0;
    std::uint64_t counter_period_esterror_rate_frac_sec = 0;
    std::uint64_t counter_period_maxerror_rate_frac_sec = 0;
    std::uint64_t time_sec = 0;
    std::uint64_t time_frac_sec = 0;
    std::uint64_t time_esterror_nanosec = 0;
    std::uint64_t time_maxerror_nanosec = 0;
    std::optional<std::uint64_t> vm_generation_counter; // only where the flag says it is there

    bool has(std::uint64_t flag) const { return (flags & flag) != 0; }
    bool counter_valid() const { return counter_id != 0xff; }
};

// Names for reports and logs: "synchronized", "free-running", "x86-tsc", "utc", "pre-positive",
// ...; an undefined value gives "unknown(N)".
std::string vmclock_status_name(std::uint8_t clock_status);
std::string vmclock_counter_name(std::uint8_t counter_id);
std::string vmclock_time_type_name(std::uint8_t time_type);
std::string vmclock_leap_indicator_name(std::uint8_t leap_indicator);
// The names of the set bits of VmclockPage::flags, in bit order ("tai-offset-valid",
// "disruption-soon", ...); an undefined bit gives "bitN".
std::vector<std::string> vmclock_flag_names(std::uint64_t flags);

// Decodes a page as read from the device. EINVAL for a wrong magic, an unknown version, a size
// field smaller than the structure or larger than a page-aligned mapping could hold, or bytes
// too few for the fields the page claims; EAGAIN for an odd seq_count (the host is mid-update).
Result<VmclockPage> parse_vmclock(std::span<const std::uint8_t> bytes);

// The structure's length with and without vm_generation_counter, and the largest size field we
// believe: the region is what the host maps for the guest (one page; the driver offers the
// miscdev only when it is at least a page), and no kernel's page is larger than 256 KiB, so a
// region above 1 MiB is a corrupt field, not a bigger page.
constexpr std::size_t kVmclockBaseSize = 104;
constexpr std::size_t kVmclockFullSize = 112;
constexpr std::uint32_t kVmclockMaxRegionSize = 1U << 20;
// How long a host may stay mid-update (the driver's own limit); then EAGAIN.
constexpr Nanoseconds kVmclockMaxWaitNs = 100 * kNsPerMs;

// The seq_count protocol over any source of page bytes: reads until two reads in a row decode
// with the same even seq_count and returns the second. Odd seq_count, a change between the two
// reads and ETIMEDOUT (the driver's own give-up) are retried, calling pause() between tries,
// until kVmclockMaxWaitNs of monotonic_now() have passed: then EAGAIN "host stuck mid-update".
// A decoding error (EINVAL) and any other read error end it at once.
struct VmclockReadLoop {
    std::function<Result<std::vector<std::uint8_t>>()> read_bytes;
    std::function<Nanoseconds()> monotonic_now;
    std::function<void()> pause;
};
Result<VmclockPage> read_stable_vmclock(const VmclockReadLoop& loop);

// One vmclock device, kept open.
class Vmclock {
  public:
    virtual ~Vmclock() = default;
    virtual const std::string& path() const = 0;
    // One consistent copy of the page, read with the seq_count protocol: retried while the
    // host is mid-update, EAGAIN when it stays so for longer than a host ever should (100 ms);
    // ENODEV or ENOENT when the device went away.
    virtual Result<VmclockPage> read() = 0;
    // A descriptor that turns readable when the host signals a change (the driver's poll()),
    // or -1 where the device offers no notifications: then read() it on a timer instead.
    virtual int notify_fd() const = 0;
};

class DeviceVmclock final : public Vmclock {
  public:
    static Result<std::unique_ptr<DeviceVmclock>> open(const std::string& path);
    const std::string& path() const override;
    Result<VmclockPage> read() override;
    int notify_fd() const override;

  private:
    DeviceVmclock(std::string path, FileDescriptor fd, bool notifies);
    std::string path_;
    FileDescriptor fd_;
    bool notifies_ = false;
};

using VmclockOpener = std::function<Result<std::unique_ptr<Vmclock>>(const std::string& path)>;

// Device nodes of the vmclock devices udev knows (subsystem "misc", sysname vmclockN), in the
// order of N (vmclock10 after vmclock2); empty where there is none. A device udev has not yet
// given a node is left out.
Result<std::vector<std::string>> find_vmclock_devices(DeviceFinder& finder);
bool is_vmclock_sysname(std::string_view sysname);

// "/dev/vmclock0" for a PHC whose clock_name is "vmclock0"; nullopt for any other name.
std::optional<std::string> vmclock_device_for(const std::string& clock_name);

} // namespace guestclock
