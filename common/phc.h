// A PTP hardware clock (/dev/ptpN) behind a narrow interface: one method per ioctl, each
// returning samples or an Error, so the caller chooses the fallback and tests use FakePhc.
// Shared by ptp_kvm_helper (its reference) and clocksource_audit (a reference for its rates).
#pragma once

#include "common/enum_names.h"
#include "common/file_descriptor.h"
#include "common/result.h"
#include "common/time_ns.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

// What PTP_CLOCK_GETCAPS tells about a clock.
struct PhcCapabilities {
    int max_adjustment_ppb = 0;
    bool cross_timestamping = false; // PTP_SYS_OFFSET_PRECISE can work (not that it will)
    int pps = 0;
    int pins = 0;
};

// The PHC's time and the system's at (about) the same instant. delay_ns is the width of the
// system-clock bracket around the PHC read: the uncertainty of the pairing (0 for a precise
// cross-timestamp, which the kernel pairs exactly).
struct PhcSample {
    Nanoseconds phc_ns = 0;
    Nanoseconds system_ns = 0; // CLOCK_REALTIME, the bracket's midpoint
    Nanoseconds delay_ns = 0;
    std::optional<Nanoseconds> monoraw_ns; // CLOCK_MONOTONIC_RAW, from PRECISE only

    // Positive when the system clock is ahead of the PHC (guestclock's one sign for offsets).
    Nanoseconds system_minus_phc_ns() const { return system_ns - phc_ns; }
};

enum class PhcMethod { precise, extended, basic };
inline constexpr std::array<EnumName<PhcMethod>, 3> kPhcMethodNames{{
    {PhcMethod::precise, "precise"},
    {PhcMethod::extended, "extended"},
    {PhcMethod::basic, "basic"},
}};
constexpr std::string_view phc_method_name(PhcMethod method) {
    return name_in(kPhcMethodNames, method);
}

class Phc {
  public:
    virtual ~Phc() = default;

    virtual const std::string& path() const = 0;
    virtual Result<PhcCapabilities> capabilities() = 0;
    // PTP_SYS_OFFSET_PRECISE: one cross-timestamp made by the driver. ptp_kvm serves it only
    // while kvm-clock is the guest's clocksource (ENODEV/EOPNOTSUPP otherwise).
    virtual Result<PhcSample> read_precise() = 0;
    // PTP_SYS_OFFSET_EXTENDED: count (1..25) PHC reads, each bracketed by the driver as closely
    // as it can. Drivers without gettimex64 (ptp_kvm) answer EOPNOTSUPP.
    virtual Result<std::vector<PhcSample>> read_extended(int count) = 0;
    // PTP_SYS_OFFSET: count (1..25) PHC reads bracketed by the PTP core; works everywhere.
    virtual Result<std::vector<PhcSample>> read_basic(int count) = 0;
    // clock_gettime on the PHC's dynamic clock id.
    virtual Result<Nanoseconds> read_time() = 0;
};

// The real clock over a character device.
class DevicePhc final : public Phc {
  public:
    // Opens read-only: reading offsets needs no write access, and so no adjusting by mistake.
    static Result<std::unique_ptr<DevicePhc>> open(const std::string& path);

    const std::string& path() const override { return path_; }
    Result<PhcCapabilities> capabilities() override;
    Result<PhcSample> read_precise() override;
    Result<std::vector<PhcSample>> read_extended(int count) override;
    Result<std::vector<PhcSample>> read_basic(int count) override;
    Result<Nanoseconds> read_time() override;

    // The dynamic POSIX clock id of this open device (FD_TO_CLOCKID).
    clockid_t clock_id() const;

  private:
    DevicePhc(std::string path, FileDescriptor fd) : path_(std::move(path)), fd_(std::move(fd)) {}
    std::string path_;
    FileDescriptor fd_;
};

// Opens the PHC at a path: DevicePhc::open in a tool's main, a fake in tests.
using PhcOpener = std::function<Result<std::unique_ptr<Phc>>(const std::string& path)>;

// Samples read with the best method the clock offers, and which one served.
struct PhcReading {
    PhcMethod method = PhcMethod::basic;
    std::vector<PhcSample> samples;
};

// Reads count samples trying PRECISE, then EXTENDED, then basic, starting at `first` (a
// caller that learnt a method is unsupported skips it next time). A method falls through only
// when it is "not supported"; any other error (EIO from a failing device) is returned, so a
// broken clock never looks like a slower one. EBUSY is retried a few times.
Result<PhcReading> read_phc_offset(Phc& phc, int count, PhcMethod first = PhcMethod::precise);

// The sample whose pairing was tightest (smallest delay): the least noisy single offset.
const PhcSample& tightest_sample(const std::vector<PhcSample>& samples);

} // namespace guestclock
