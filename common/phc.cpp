#include "common/phc.h"

#include <algorithm>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <sys/ioctl.h>

namespace guestclock {

namespace {

// The kernel's formula for a dynamic POSIX clock id of an open character device.
constexpr clockid_t fd_to_clock_id(int fd) {
    return static_cast<clockid_t>((~static_cast<unsigned>(fd) << 3) | 3U);
}

Nanoseconds to_ns(const ptp_clock_time& t) {
    return static_cast<Nanoseconds>(t.sec) * kNsPerSec + t.nsec;
}

// A PHC read bracketed by two system-clock reads becomes one sample at the bracket's midpoint.
PhcSample bracketed(const ptp_clock_time& before, const ptp_clock_time& phc,
                    const ptp_clock_time& after) {
    const Nanoseconds start = to_ns(before);
    const Nanoseconds delay = to_ns(after) - start;
    return PhcSample{.phc_ns = to_ns(phc),
                     .system_ns = start + delay / 2,
                     .delay_ns = delay,
                     .monoraw_ns = std::nullopt};
}

unsigned checked_count(int count) {
    return static_cast<unsigned>(std::clamp(count, 1, PTP_MAX_SAMPLES));
}

} // namespace

Result<std::unique_ptr<DevicePhc>> DevicePhc::open(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno("open " + path);
    return std::unique_ptr<DevicePhc>(new DevicePhc(path, std::move(fd)));
}

clockid_t DevicePhc::clock_id() const {
    return fd_to_clock_id(fd_.get());
}

Result<PhcCapabilities> DevicePhc::capabilities() {
    ptp_clock_caps caps{};
    if (ioctl(fd_.get(), PTP_CLOCK_GETCAPS, &caps) < 0)
        return fail_errno("PTP_CLOCK_GETCAPS on " + path_);
    return PhcCapabilities{.max_adjustment_ppb = caps.max_adj,
                           .cross_timestamping = caps.cross_timestamping != 0,
                           .pps = caps.pps,
                           .pins = caps.n_pins};
}

Result<PhcSample> DevicePhc::read_precise() {
    ptp_sys_offset_precise request{};
    if (ioctl(fd_.get(), PTP_SYS_OFFSET_PRECISE, &request) < 0)
        return fail_errno("PTP_SYS_OFFSET_PRECISE on " + path_);
    return PhcSample{.phc_ns = to_ns(request.device),
                     .system_ns = to_ns(request.sys_realtime),
                     .delay_ns = 0,
                     .monoraw_ns = to_ns(request.sys_monoraw)};
}

Result<std::vector<PhcSample>> DevicePhc::read_extended(int count) {
    ptp_sys_offset_extended request{};
    request.n_samples = checked_count(count);
    if (ioctl(fd_.get(), PTP_SYS_OFFSET_EXTENDED, &request) < 0)
        return fail_errno("PTP_SYS_OFFSET_EXTENDED on " + path_);
    std::vector<PhcSample> samples;
    samples.reserve(request.n_samples);
    for (unsigned i = 0; i < request.n_samples; ++i)
        samples.push_back(bracketed(request.ts[i][0], request.ts[i][1], request.ts[i][2]));
    return samples;
}

Result<std::vector<PhcSample>> DevicePhc::read_basic(int count) {
    ptp_sys_offset request{};
    request.n_samples = checked_count(count);
    if (ioctl(fd_.get(), PTP_SYS_OFFSET, &request) < 0)
        return fail_errno("PTP_SYS_OFFSET on " + path_);
    // The kernel interleaves system, PHC, system, PHC, ..., system.
    std::vector<PhcSample> samples;
    samples.reserve(request.n_samples);
    for (std::size_t i = 0; i < request.n_samples; ++i)
        samples.push_back(
            bracketed(request.ts[2 * i], request.ts[2 * i + 1], request.ts[2 * i + 2]));
    return samples;
}

Result<Nanoseconds> DevicePhc::read_time() {
    timespec ts{};
    if (clock_gettime(clock_id(), &ts) < 0) return fail_errno("clock_gettime on " + path_);
    return guestclock::to_ns(ts);
}

namespace {

constexpr int kBusyRetries = 3;

// Calls read until it stops answering EBUSY (ptp_kvm's host call can be briefly busy).
template <class Read> auto retry_busy(Read read) {
    auto result = read();
    for (int attempt = 0; attempt < kBusyRetries && !result && result.error().errno_value == EBUSY;
         ++attempt)
        result = read();
    return result;
}

Result<std::vector<PhcSample>> read_with(Phc& phc, PhcMethod method, int count) {
    std::vector<PhcSample> samples;
    while (static_cast<int>(samples.size()) < count) {
        const int batch = std::min(count - static_cast<int>(samples.size()), PTP_MAX_SAMPLES);
        Result<std::vector<PhcSample>> part;
        switch (method) {
        case PhcMethod::precise:
            if (auto one = retry_busy([&] { return phc.read_precise(); }))
                part = std::vector<PhcSample>{*one};
            else
                part = std::unexpected(one.error());
            break;
        case PhcMethod::extended:
            part = retry_busy([&] { return phc.read_extended(batch); });
            break;
        case PhcMethod::basic:
            part = retry_busy([&] { return phc.read_basic(batch); });
            break;
        }
        if (!part) return std::unexpected(part.error());
        if (part->empty()) return fail(EIO, "no samples from " + phc.path());
        samples.insert(samples.end(), part->begin(), part->end());
    }
    return samples;
}

} // namespace

Result<PhcReading> read_phc_offset(Phc& phc, int count, PhcMethod first) {
    count = std::max(count, 1);
    Error last;
    for (PhcMethod method : {PhcMethod::precise, PhcMethod::extended, PhcMethod::basic}) {
        if (method < first) continue;
        auto samples = read_with(phc, method, count);
        if (samples) return PhcReading{method, std::move(*samples)};
        if (!samples.error().is_not_supported()) return std::unexpected(samples.error());
        last = samples.error();
    }
    return std::unexpected(last);
}

const PhcSample& tightest_sample(const std::vector<PhcSample>& samples) {
    return *std::ranges::min_element(samples, {}, &PhcSample::delay_ns);
}

} // namespace guestclock
