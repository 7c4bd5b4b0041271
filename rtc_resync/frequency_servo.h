// Learns the system clock's frequency error against the RTC, so the clock drifts less between
// measurements. Each measurement's offset is slewed away whole; if the slew finished before the
// next measurement, the offset found then is drift, and drift over the interval is frequency
// error. A fraction (the gain) of that error goes into the kernel's frequency correction: an
// integral controller whose proportional part is the slew itself. Pure: numbers in, numbers out.
//
// A drift no larger than the measurement's uncertainty over the interval is noise and teaches
// nothing; a step or pause breaks the chain (reset), since the next offset is not drift.
#pragma once

#include "common/time_ns.h"

#include <optional>

namespace guestclock {

struct ServoSettings {
    double gain = 0.5;
    double max_change_ppb = 100'000;    // per update: one bad sample cannot swing the clock far
    double max_frequency_ppb = 500'000; // the kernel's bound
    double slew_rate_ppb = 500'000;     // ADJ_OFFSET_SINGLESHOT's rate (500 ppm)
};

struct ServoOutput {
    Nanoseconds slew_ns = 0;                  // to hand to ClockAdjuster::slew
    std::optional<double> frequency_ppb;      // a new frequency correction, when learnt
    std::optional<double> measured_drift_ppb; // what this sample showed, for the log
};

class FrequencyServo {
  public:
    explicit FrequencyServo(double initial_frequency_ppb, const ServoSettings& settings = {})
        : frequency_ppb_(initial_frequency_ppb), settings_(settings) {}

    // Positive when the system clock is ahead; measured at monoraw with the given uncertainty.
    ServoOutput sample(Nanoseconds system_minus_reference, Nanoseconds uncertainty,
                       Nanoseconds monoraw);
    void reset() { last_.reset(); }
    // After a migration the counter runs at another host's rate: what was learnt is void.
    void forget() {
        reset();
        frequency_ppb_ = 0;
    }
    double frequency_ppb() const { return frequency_ppb_; }

  private:
    struct Previous {
        Nanoseconds monoraw;
        Nanoseconds slewed;
    };
    double frequency_ppb_;
    ServoSettings settings_;
    std::optional<Previous> last_;
};

} // namespace guestclock
