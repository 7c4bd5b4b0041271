#include "common/rtc.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/rtc.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace guestclock {

Result<std::unique_ptr<DeviceRtc>> DeviceRtc::open(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail_errno("open " + path);
    return std::unique_ptr<DeviceRtc>(new DeviceRtc(path, std::move(fd)));
}

Result<RtcTime> DeviceRtc::read_time() {
    rtc_time tm{};
    if (ioctl(fd_.get(), RTC_RD_TIME, &tm) < 0) return fail_errno("RTC_RD_TIME on " + path_);
    return RtcTime{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

Status DeviceRtc::enable_update_interrupts() {
    if (ioctl(fd_.get(), RTC_UIE_ON, 0) < 0) return fail_errno("RTC_UIE_ON on " + path_);
    return {};
}

Status DeviceRtc::disable_update_interrupts() {
    if (ioctl(fd_.get(), RTC_UIE_OFF, 0) < 0) return fail_errno("RTC_UIE_OFF on " + path_);
    return {};
}

Result<bool> DeviceRtc::wait_for_interrupt(Nanoseconds timeout) {
    pollfd pfd{fd_.get(), POLLIN, 0};
    const int timeout_ms = static_cast<int>((timeout + kNsPerMs - 1) / kNsPerMs);
    int ready = 0;
    do {
        ready = poll(&pfd, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return fail_errno("poll on " + path_);
    if (ready == 0) return false;
    // The read returns the interrupt count and kind; it must be consumed or poll stays ready.
    unsigned long data = 0;
    if (::read(fd_.get(), &data, sizeof data) < 0) return fail_errno("read on " + path_);
    return true;
}

} // namespace guestclock
