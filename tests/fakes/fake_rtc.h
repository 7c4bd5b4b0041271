// A simulated RTC and system clocks on one synthetic timeline, so that edge detection and
// the tools built on it are tested with known truth: the RTC's seconds change exactly where
// the model says, and every read and wake-up costs a set amount of simulated time.
#pragma once

#include "common/rtc.h"
#include "common/rtc_calendar.h"
#include "common/timebase.h"

#include <optional>
#include <string>

namespace guestclock {

// Simulated time: CLOCK_MONOTONIC_RAW is the truth; realtime and the RTC are offsets from it.
class FakeTimebase final : public Timebase {
  public:
    Nanoseconds monoraw = 1'000 * kNsPerSec;
    // CLOCK_REALTIME minus true time: what a correct tool must measure and remove.
    Nanoseconds realtime_error = 0;
    // True time (epoch) minus monoraw.
    Nanoseconds epoch_offset = 1'790'000'000LL * kNsPerSec + 123'456'789;
    Nanoseconds cost_per_now = 40;

    Nanoseconds true_time() const { return monoraw + epoch_offset; }
    SystemTimestamp now() override {
        monoraw += cost_per_now;
        return {true_time() + realtime_error, monoraw};
    }
    void sleep_for(Nanoseconds duration) override {
        if (duration > 0) monoraw += duration;
        slept += duration > 0 ? duration : 0;
    }
    Nanoseconds slept = 0;
};

class FakeRtc final : public Rtc {
  public:
    explicit FakeRtc(FakeTimebase& timebase) : timebase_(timebase) {}

    // RTC minus true time (e.g. a bogus 2000-01-01 RTC is a large negative error).
    Nanoseconds rtc_error = 0;
    RtcTimeScale scale = RtcTimeScale::utc;
    Nanoseconds read_cost = 30 * kNsPerUs;
    Nanoseconds interrupt_latency = 50 * kNsPerUs;
    std::optional<int> uie_errno;       // RTC_UIE_ON fails with it (ENOTTY, EINVAL, EIO)
    bool interrupts_arrive = true;      // false: the hwclock "timed out" VM
    bool stale_first_interrupt = true;  // the first wait after enabling returns at once
    std::optional<int> read_errno;      // every RTC_RD_TIME fails with it
    std::optional<RtcTime> frozen_time; // RTC_RD_TIME always answers this
    int reads = 0;
    int uie_enables = 0;
    bool uie_enabled = false;

    const std::string& path() const override { return path_; }

    Nanoseconds rtc_now() const { return timebase_.true_time() + rtc_error; }

    Result<RtcTime> read_time() override {
        ++reads;
        timebase_.monoraw += read_cost / 2; // the value is sampled mid-read
        const Nanoseconds sampled = rtc_now();
        timebase_.monoraw += read_cost - read_cost / 2;
        if (read_errno) return fail(*read_errno, "fake RTC_RD_TIME");
        if (frozen_time) return *frozen_time;
        return calendar(floor_seconds(sampled));
    }
    Status enable_update_interrupts() override {
        if (uie_errno) return fail(*uie_errno, "fake RTC_UIE_ON");
        uie_enabled = true;
        ++uie_enables;
        stale_pending_ = stale_first_interrupt;
        return {};
    }
    Status disable_update_interrupts() override {
        uie_enabled = false;
        return {};
    }
    Result<bool> wait_for_interrupt(Nanoseconds timeout) override {
        if (stale_pending_) {
            stale_pending_ = false;
            return true;
        }
        const Nanoseconds next_edge = (floor_seconds(rtc_now()) + 1) * kNsPerSec;
        const Nanoseconds wait = next_edge - rtc_now() + interrupt_latency;
        if (!interrupts_arrive || wait > timeout) {
            timebase_.monoraw += timeout;
            return false;
        }
        timebase_.monoraw += wait;
        return true;
    }

  private:
    static std::int64_t floor_seconds(Nanoseconds ns) {
        return ns >= 0 ? ns / kNsPerSec : -((-ns + kNsPerSec - 1) / kNsPerSec);
    }
    RtcTime calendar(std::int64_t seconds) const {
        if (scale == RtcTimeScale::utc) return epoch_to_utc_calendar(seconds);
        const time_t value = static_cast<time_t>(seconds);
        std::tm tm{};
        localtime_r(&value, &tm);
        return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    }

    FakeTimebase& timebase_;
    std::string path_ = "/dev/rtc-fake";
    bool stale_pending_ = false;
};

} // namespace guestclock
