#include "ptp_kvm_helper/servo.h"

#include <algorithm>
#include <cstdlib>

namespace guestclock {

namespace {

bool beyond(Nanoseconds offset, Nanoseconds threshold) {
    return threshold > 0 && std::abs(offset) >= threshold;
}

} // namespace

ServoAction servo_sample(ServoState& state, Nanoseconds system_minus_reference_ns,
                         Nanoseconds time_ns, const ServoConfig& config) {
    const auto clamp = [&](double ppb) {
        return std::clamp(ppb, -config.max_frequency_ppb, config.max_frequency_ppb);
    };
    const Nanoseconds ahead_ns = system_minus_reference_ns;
    ServoAction action;

    if (state.samples == 0 || time_ns <= state.last_time_ns) {
        // First sample (or the monotonic clock did not advance): nothing to estimate a rate
        // from yet, so nothing to do; even a large offset waits for the second sample, so that
        // the rate is measured over an interval no step disturbed.
        state.samples = 1;
        state.locked = false;
        state.last_time_ns = time_ns;
        state.last_system_minus_reference_ns = ahead_ns;
        return action;
    }

    const double interval_s = to_seconds(time_ns - state.last_time_ns);
    if (!state.locked) {
        // How fast the system clock pulled ahead over the interval is the frequency error
        // left; take it out, then remove the offset itself by a step, so the integral never
        // winds up on it (linuxptp's PI does the same at its second sample).
        const double gain_ppb =
            static_cast<double>(ahead_ns - state.last_system_minus_reference_ns) / interval_s;
        state.frequency_ppb = clamp(state.frequency_ppb - gain_ppb);
        state.locked = true;
        state.samples = 2;
        state.last_time_ns = time_ns;
        state.last_system_minus_reference_ns = ahead_ns;
        if (beyond(ahead_ns, config.first_step_threshold_ns) ||
            beyond(ahead_ns, config.step_threshold_ns)) {
            state.last_system_minus_reference_ns = 0;
            return {ServoAction::Kind::step_and_frequency, -ahead_ns, state.frequency_ppb};
        }
        return {ServoAction::Kind::frequency, 0, state.frequency_ppb};
    }

    state.last_time_ns = time_ns;
    if (beyond(ahead_ns, config.step_threshold_ns)) {
        // A jump while locked (pause, restore): step it, keep the frequency we learnt.
        state.last_system_minus_reference_ns = 0;
        return {ServoAction::Kind::step, -ahead_ns, state.frequency_ppb};
    }
    // Gains are per second; scaled so a longer interval corrects the same share per update.
    const double kp = std::min(config.kp / interval_s, config.kp * 4);
    const double ki = std::min(config.ki / interval_s, config.ki * 4);
    const auto ahead = static_cast<double>(ahead_ns);
    state.frequency_ppb = clamp(state.frequency_ppb - ki * ahead);
    state.last_system_minus_reference_ns = ahead_ns;
    return {ServoAction::Kind::frequency, 0, clamp(state.frequency_ppb - kp * ahead)};
}

} // namespace guestclock
