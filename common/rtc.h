// A real-time clock (/dev/rtcN) behind a narrow interface: one method per ioctl, each returning
// a value or an Error, so that the caller chooses the fallback (see rtc_edges.h) and tests use
// FakeRtc. Shared by rtc_resync (its reference) and clocksource_audit (second edges as a
// reference for rates).
#pragma once

#include "common/file_descriptor.h"
#include "common/result.h"
#include "common/time_ns.h"

#include <memory>
#include <string>

namespace guestclock {

// The calendar fields an RTC holds, as people write them (month 1-12, full year). Whether they
// are UTC or local time is not the RTC's to say: see RtcTimeScale.
struct RtcTime {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;

    friend bool operator==(const RtcTime&, const RtcTime&) = default;
};

class Rtc {
  public:
    virtual ~Rtc() = default;

    virtual const std::string& path() const = 0;
    // RTC_RD_TIME: the current whole second.
    virtual Result<RtcTime> read_time() = 0;
    // RTC_UIE_ON / RTC_UIE_OFF: an interrupt at every second edge. Drivers without it answer
    // EINVAL or ENOTTY (Error::is_not_supported()).
    virtual Status enable_update_interrupts() = 0;
    virtual Status disable_update_interrupts() = 0;
    // Waits up to timeout for an interrupt and consumes it (poll + read). False on timeout.
    virtual Result<bool> wait_for_interrupt(Nanoseconds timeout) = 0;
};

// The real clock over a character device.
class DeviceRtc final : public Rtc {
  public:
    // Read-only: interrupts and reading need no write access, and so we cannot set it by mistake.
    static Result<std::unique_ptr<DeviceRtc>> open(const std::string& path);

    const std::string& path() const override { return path_; }
    Result<RtcTime> read_time() override;
    Status enable_update_interrupts() override;
    Status disable_update_interrupts() override;
    Result<bool> wait_for_interrupt(Nanoseconds timeout) override;

  private:
    DeviceRtc(std::string path, FileDescriptor fd) : path_(std::move(path)), fd_(std::move(fd)) {}
    std::string path_;
    FileDescriptor fd_;
};

} // namespace guestclock
