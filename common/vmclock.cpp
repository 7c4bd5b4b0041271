#include "common/vmclock.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace guestclock {

namespace {

// Offsets in struct vmclock_abi (include/uapi/linux/vmclock-abi.h).
constexpr std::size_t kMagicAt = 0;
constexpr std::size_t kSizeAt = 4;
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kCounterIdAt = 10;
constexpr std::size_t kTimeTypeAt = 11;
constexpr std::size_t kSeqCountAt = 12;
constexpr std::size_t kDisruptionMarkerAt = 16;
constexpr std::size_t kFlagsAt = 24;
constexpr std::size_t kClockStatusAt = 34;
constexpr std::size_t kSmearingHintAt = 35;
constexpr std::size_t kTaiOffsetAt = 36;
constexpr std::size_t kLeapIndicatorAt = 38;
constexpr std::size_t kCounterPeriodShiftAt = 39;
constexpr std::size_t kCounterValueAt = 40;
constexpr std::size_t kCounterPeriodAt = 48;
constexpr std::size_t kPeriodEsterrorAt = 56;
constexpr std::size_t kPeriodMaxerrorAt = 64;
constexpr std::size_t kTimeSecAt = 72;
constexpr std::size_t kTimeFracAt = 80;
constexpr std::size_t kTimeEsterrorAt = 88;
constexpr std::size_t kTimeMaxerrorAt = 96;
constexpr std::size_t kVmGenerationCounterAt = 104;
constexpr std::uint32_t kMagic = 0x4b4c4356; // "VCLK"
constexpr std::uint16_t kVersion = 1;
// Where the host is mid-update, the next look comes after this: a host's update takes
// microseconds, and spinning would take a core from the host's own vCPU thread.
constexpr Nanoseconds kRetryPauseNs = 100 * kNsPerUs;

template <class T> T little_endian(std::span<const std::uint8_t> bytes, std::size_t at) {
    using Unsigned = std::make_unsigned_t<T>;
    Unsigned value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        value = static_cast<Unsigned>(value | (static_cast<Unsigned>(bytes[at + i]) << (8 * i)));
    return static_cast<T>(value);
}

std::string unknown(unsigned value) {
    return fmt::format("unknown({})", value);
}

bool is_gone(int errno_value) {
    return errno_value == ENODEV || errno_value == ENOENT || errno_value == ENXIO;
}

} // namespace

std::string vmclock_status_name(std::uint8_t clock_status) {
    switch (clock_status) {
    case 0:
        return "unknown";
    case 1:
        return "initializing";
    case 2:
        return "synchronized";
    case 3:
        return "free-running";
    case 4:
        return "unreliable";
    default:
        return unknown(clock_status);
    }
}

std::string vmclock_counter_name(std::uint8_t counter_id) {
    switch (counter_id) {
    case 0:
        return "arm-vcnt";
    case 1:
        return "x86-tsc";
    case 0xff:
        return "none";
    default:
        return unknown(counter_id);
    }
}

std::string vmclock_time_type_name(std::uint8_t time_type) {
    switch (time_type) {
    case 0:
        return "utc";
    case 1:
        return "tai";
    case 2:
        return "monotonic";
    case 3:
        return "smeared";
    case 4:
        return "maybe-smeared";
    default:
        return unknown(time_type);
    }
}

std::string vmclock_leap_indicator_name(std::uint8_t leap_indicator) {
    switch (leap_indicator) {
    case 0:
        return "none";
    case 1:
        return "pre-positive";
    case 2:
        return "pre-negative";
    case 3:
        return "positive";
    case 4:
        return "post-positive";
    case 5:
        return "post-negative";
    default:
        return unknown(leap_indicator);
    }
}

std::vector<std::string> vmclock_flag_names(std::uint64_t flags) {
    static constexpr std::array<std::string_view, 10> kNames = {
        "tai-offset-valid",      "disruption-soon",       "disruption-imminent",
        "period-esterror-valid", "period-maxerror-valid", "time-esterror-valid",
        "time-maxerror-valid",   "time-monotonic",        "vm-generation-counter-present",
        "notification-present"};
    std::vector<std::string> names;
    for (unsigned bit = 0; bit < 64; ++bit) {
        if ((flags & (std::uint64_t{1} << bit)) == 0) continue;
        names.push_back(bit < kNames.size() ? std::string(kNames[bit]) : fmt::format("bit{}", bit));
    }
    return names;
}

Result<VmclockPage> parse_vmclock(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kSeqCountAt)
        return fail(EINVAL, fmt::format("vmclock page of {} bytes holds not even its header",
                                        bytes.size()));
    if (const auto magic = little_endian<std::uint32_t>(bytes, kMagicAt); magic != kMagic)
        return fail(EINVAL,
                    fmt::format("not a vmclock page (magic {:#010x}, not \"VCLK\")", magic));
    VmclockPage page;
    page.version = little_endian<std::uint16_t>(bytes, kVersionAt);
    if (page.version != kVersion)
        return fail(EINVAL,
                    fmt::format("vmclock version {} (only {} is known)", page.version, kVersion));
    page.size = little_endian<std::uint32_t>(bytes, kSizeAt);
    if (page.size < kVmclockBaseSize || page.size > kVmclockMaxRegionSize)
        return fail(EINVAL, fmt::format("vmclock size field {} is outside {}..{}", page.size,
                                        kVmclockBaseSize, kVmclockMaxRegionSize));
    if (bytes.size() < kVmclockBaseSize)
        return fail(EINVAL, fmt::format("vmclock page truncated: {} of its {} bytes", bytes.size(),
                                        kVmclockBaseSize));
    page.seq_count = little_endian<std::uint32_t>(bytes, kSeqCountAt);
    if (page.seq_count & 1U) return fail(EAGAIN, "vmclock page is being updated by the host");
    page.flags = little_endian<std::uint64_t>(bytes, kFlagsAt);
    if (page.has(vmclock_flag::vm_generation_counter_present)) {
        if (page.size < kVmclockFullSize || bytes.size() < kVmclockFullSize)
            return fail(EINVAL, fmt::format("vmclock page flags vm_generation_counter but holds "
                                            "{} bytes (size field {}), fewer than {}",
                                            bytes.size(), page.size, kVmclockFullSize));
        page.vm_generation_counter = little_endian<std::uint64_t>(bytes, kVmGenerationCounterAt);
    }
    page.counter_id = bytes[kCounterIdAt];
    page.time_type = bytes[kTimeTypeAt];
    page.disruption_marker = little_endian<std::uint64_t>(bytes, kDisruptionMarkerAt);
    page.clock_status = bytes[kClockStatusAt];
    page.leap_second_smearing_hint = bytes[kSmearingHintAt];
    page.tai_offset_sec = little_endian<std::int16_t>(bytes, kTaiOffsetAt);
    page.leap_indicator = bytes[kLeapIndicatorAt];
    page.counter_period_shift = bytes[kCounterPeriodShiftAt];
    page.counter_value = little_endian<std::uint64_t>(bytes, kCounterValueAt);
    page.counter_period_frac_sec = little_endian<std::uint64_t>(bytes, kCounterPeriodAt);
    page.counter_period_esterror_rate_frac_sec =
        little_endian<std::uint64_t>(bytes, kPeriodEsterrorAt);
    page.counter_period_maxerror_rate_frac_sec =
        little_endian<std::uint64_t>(bytes, kPeriodMaxerrorAt);
    page.time_sec = little_endian<std::uint64_t>(bytes, kTimeSecAt);
    page.time_frac_sec = little_endian<std::uint64_t>(bytes, kTimeFracAt);
    page.time_esterror_nanosec = little_endian<std::uint64_t>(bytes, kTimeEsterrorAt);
    page.time_maxerror_nanosec = little_endian<std::uint64_t>(bytes, kTimeMaxerrorAt);
    return page;
}

Result<VmclockPage> read_stable_vmclock(const VmclockReadLoop& loop) {
    const Nanoseconds deadline = loop.monotonic_now() + kVmclockMaxWaitNs;
    std::optional<std::uint32_t> previous_seq;
    while (true) {
        auto bytes = loop.read_bytes();
        if (!bytes && bytes.error().errno_value != ETIMEDOUT) return std::unexpected(bytes.error());
        Result<VmclockPage> page =
            bytes ? parse_vmclock(*bytes) : fail(EAGAIN, "the driver gave up mid-update");
        if (!page && page.error().errno_value != EAGAIN) return page;
        if (page && previous_seq == page->seq_count) return page;
        const bool first_stable_read = page && !previous_seq;
        previous_seq = page ? std::optional(page->seq_count) : std::nullopt;
        // A stable first read is always confirmed by a second, however late the guest got to
        // it (under emulation 100 ms can pass between two reads of a page that never moved).
        if (first_stable_read) continue;
        if (loop.monotonic_now() >= deadline)
            return fail(EAGAIN, fmt::format("host stuck mid-update of the vmclock page for {} ms",
                                            kVmclockMaxWaitNs / kNsPerMs));
        // Only a page in motion waits before the next read.
        if (!page) loop.pause();
    }
}

Result<std::unique_ptr<DeviceVmclock>> DeviceVmclock::open(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno("open " + path);
    std::unique_ptr<DeviceVmclock> device(new DeviceVmclock(path, std::move(fd), false));
    auto first = device->read();
    if (!first) return std::unexpected(first.error());
    // Without the flag the driver's poll() answers POLLHUP for ever: an event loop would spin.
    device->notifies_ = first->has(vmclock_flag::notification_present);
    return device;
}

DeviceVmclock::DeviceVmclock(std::string path, FileDescriptor fd, bool notifies)
    : path_(std::move(path)), fd_(std::move(fd)), notifies_(notifies) {}

const std::string& DeviceVmclock::path() const {
    return path_;
}

int DeviceVmclock::notify_fd() const {
    return notifies_ ? fd_.get() : -1;
}

Result<VmclockPage> DeviceVmclock::read() {
    const VmclockReadLoop loop{
        .read_bytes = [this]() -> Result<std::vector<std::uint8_t>> {
            std::vector<std::uint8_t> buffer(kVmclockFullSize);
            // pread from 0 each time: the driver's read() advances the file position, and a
            // read is also what tells its poll() that this reader has seen the change.
            const ssize_t n = ::pread(fd_.get(), buffer.data(), buffer.size(), 0);
            if (n < 0) return fail_errno("read " + path_);
            buffer.resize(static_cast<std::size_t>(n));
            return buffer;
        },
        .monotonic_now = [] { return now_ns(CLOCK_MONOTONIC); },
        .pause =
            [] {
                const timespec pause = to_timespec(kRetryPauseNs);
                ::nanosleep(&pause, nullptr);
            },
    };
    auto page = read_stable_vmclock(loop);
    if (page) return page;
    const Error& error = page.error();
    if (is_gone(error.errno_value))
        return fail(ENODEV, path_ + " is gone (" + error.message() + ")");
    return fail(error.errno_value, path_ + ": " + error.context);
}

bool is_vmclock_sysname(std::string_view sysname) {
    constexpr std::string_view prefix = "vmclock";
    if (!sysname.starts_with(prefix) || sysname.size() == prefix.size()) return false;
    return sysname.find_first_not_of("0123456789", prefix.size()) == std::string_view::npos;
}

Result<std::vector<std::string>> find_vmclock_devices(DeviceFinder& finder) {
    auto misc = finder.enumerate("misc", {});
    if (!misc) return std::unexpected(misc.error());
    std::vector<std::pair<unsigned long, std::string>> numbered;
    for (const DeviceInfo& device : *misc) {
        if (!is_vmclock_sysname(device.sysname) || device.devnode.empty()) continue;
        const std::string_view digits = std::string_view(device.sysname).substr(7);
        unsigned long index = 0;
        if (std::from_chars(digits.data(), digits.data() + digits.size(), index).ec != std::errc{})
            continue; // more digits than any kernel's index: not a device it named
        numbered.emplace_back(index, device.devnode);
    }
    std::ranges::sort(numbered);
    std::vector<std::string> devnodes;
    devnodes.reserve(numbered.size());
    for (auto& [index, devnode] : numbered)
        devnodes.push_back(std::move(devnode));
    return devnodes;
}

std::optional<std::string> vmclock_device_for(const std::string& clock_name) {
    if (!is_vmclock_sysname(clock_name)) return std::nullopt;
    return "/dev/" + clock_name;
}

} // namespace guestclock
