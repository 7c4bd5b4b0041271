// One update of `sync`: read the PHC, check the reading is plausible, run the servo and apply
// its correction through the ClockAdjuster. The daemon calls it on a timer; tests call it with
// a FakePhc and a FakeClockAdjuster.
#pragma once

#include "common/clock_adjuster.h"
#include "common/phc.h"
#include "common/plausible_time.h"
#include "common/result.h"
#include "ptp_kvm_helper/servo.h"

#include <optional>
#include <utility>

namespace guestclock {

struct FollowerUpdate {
    PhcMethod method = PhcMethod::basic;
    Nanoseconds system_minus_phc_ns = 0; // CLOCK_REALTIME minus PHC, before any correction
    Nanoseconds delay_ns = 0;
    ServoAction action;
};

// Why a reading is refused, or nullopt when it may move the clock: each sample must lie in the
// plausible window (common/plausible_time.h, at the sample's system time) and the samples must
// agree. Pure: tested with samples.
std::optional<std::string> implausible_reading(const std::vector<PhcSample>& samples,
                                               const TimeEvidence& evidence);

class ClockFollower {
  public:
    ClockFollower(ClockAdjuster& adjuster, const ServoConfig& config, TimeEvidence evidence,
                  int samples_per_update = 5)
        : adjuster_(adjuster), config_(config), evidence_(std::move(evidence)),
          samples_per_update_(samples_per_update) {}

    // Starts the servo from the kernel's current frequency correction.
    Status start();
    // Reads phc at monotonic time now_ns and corrects the clock. On any error (device, an
    // implausible reading, the adjuster) nothing further is changed: the frequency in force
    // holds, and the caller retries later.
    Result<FollowerUpdate> update(Phc& phc, Nanoseconds now_ns);
    // Forget the rate and method learnt: the next update starts as on a new device.
    void reset_device();

    const ServoState& servo() const { return servo_; }

  private:
    ClockAdjuster& adjuster_;
    ServoConfig config_;
    TimeEvidence evidence_;
    int samples_per_update_;
    ServoState servo_;
    PhcMethod method_ = PhcMethod::precise;
};

} // namespace guestclock
