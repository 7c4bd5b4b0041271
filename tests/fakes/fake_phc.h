// A PHC that answers from a model (the PHC runs ahead_of_system_ns ahead of a system clock
// that advances step_ns per read) and can be told to fail per method, so offset reading,
// fallbacks and the servo's error handling are tested without a device.
#pragma once

#include "common/phc.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace guestclock {

class FakePhc final : public Phc {
  public:
    std::string device_path = "/dev/ptp_fake";
    PhcCapabilities caps{.max_adjustment_ppb = 0, .cross_timestamping = true, .pps = 0, .pins = 0};
    Nanoseconds system_ns = 1'750'000'000 * kNsPerSec; // the model's system clock (2025)
    Nanoseconds ahead_of_system_ns = 0;                // PHC minus system
    Nanoseconds delay_ns = 2'000;                      // bracket width of bracketed reads
    Nanoseconds step_ns = 10'000;                      // system time between reads

    // A method fails with this errno while set; errnos queued in busy_errnos are answered
    // once each, before the method's own result (to model a transient EBUSY).
    std::optional<int> precise_errno, extended_errno, basic_errno, caps_errno;
    std::deque<int> busy_errnos;
    std::vector<PhcMethod> calls;

    const std::string& path() const override { return device_path; }
    Result<PhcCapabilities> capabilities() override {
        if (caps_errno) return fail(*caps_errno, "fake PTP_CLOCK_GETCAPS");
        return caps;
    }
    Result<PhcSample> read_precise() override {
        calls.push_back(PhcMethod::precise);
        if (auto error = pending_error(precise_errno)) return std::unexpected(*error);
        PhcSample sample = next(0);
        sample.monoraw_ns = sample.system_ns - 37 * kNsPerSec;
        return sample;
    }
    Result<std::vector<PhcSample>> read_extended(int count) override {
        calls.push_back(PhcMethod::extended);
        if (auto error = pending_error(extended_errno)) return std::unexpected(*error);
        return batch(count);
    }
    Result<std::vector<PhcSample>> read_basic(int count) override {
        calls.push_back(PhcMethod::basic);
        if (auto error = pending_error(basic_errno)) return std::unexpected(*error);
        return batch(count);
    }
    Result<Nanoseconds> read_time() override {
        if (basic_errno) return fail(*basic_errno, "fake clock_gettime");
        return next(0).phc_ns;
    }

  private:
    std::optional<Error> pending_error(const std::optional<int>& method_errno) {
        if (!busy_errnos.empty()) {
            const int e = busy_errnos.front();
            busy_errnos.pop_front();
            return Error{e, "fake transient"};
        }
        if (method_errno) return Error{*method_errno, "fake ioctl"};
        return std::nullopt;
    }
    PhcSample next(Nanoseconds delay) {
        system_ns += step_ns;
        return PhcSample{.phc_ns = system_ns + ahead_of_system_ns,
                         .system_ns = system_ns,
                         .delay_ns = delay,
                         .monoraw_ns = std::nullopt};
    }
    std::vector<PhcSample> batch(int count) {
        std::vector<PhcSample> samples;
        for (int i = 0; i < count; ++i)
            samples.push_back(next(delay_ns + i));
        return samples;
    }
};

} // namespace guestclock
