#include "rtc_resync/frequency_servo.h"

#include <algorithm>
#include <cmath>

namespace guestclock {

ServoOutput FrequencyServo::sample(Nanoseconds system_minus_reference, Nanoseconds uncertainty,
                                   Nanoseconds monoraw) {
    ServoOutput output;
    output.slew_ns = -system_minus_reference;
    if (last_) {
        const double interval = static_cast<double>(monoraw - last_->monoraw);
        const double slew_duration =
            std::abs(static_cast<double>(last_->slewed)) / settings_.slew_rate_ppb * 1e9;
        // Only a finished slew leaves pure drift behind; otherwise part of it is still pending.
        if (interval > 0 && slew_duration < interval) {
            const double drift_ppb = static_cast<double>(system_minus_reference) / interval * 1e9;
            const double noise_ppb = static_cast<double>(uncertainty) / interval * 1e9;
            output.measured_drift_ppb = drift_ppb;
            if (std::abs(drift_ppb) > noise_ppb) {
                // A clock running ahead (positive drift) needs less frequency.
                const double change =
                    std::clamp(-settings_.gain * drift_ppb, -settings_.max_change_ppb,
                               settings_.max_change_ppb);
                frequency_ppb_ = std::clamp(frequency_ppb_ + change, -settings_.max_frequency_ppb,
                                            settings_.max_frequency_ppb);
                output.frequency_ppb = frequency_ppb_;
            }
        }
    }
    last_ = Previous{monoraw, output.slew_ns};
    return output;
}

} // namespace guestclock
