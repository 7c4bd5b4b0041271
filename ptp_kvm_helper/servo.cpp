#include "ptp_kvm_helper/servo.h"

#include <algorithm>
#include <cstdlib>

namespace guestclock {

namespace {

bool beyond(Nanoseconds offset, Nanoseconds threshold) {
    return threshold > 0 && std::abs(offset) >= threshold;
}

} // namespace

ServoAction servo_sample(ServoState& state, Nanoseconds offset_ns, Nanoseconds time_ns,
                         const ServoConfig& config) {
    const auto clamp = [&](double ppb) {
        return std::clamp(ppb, -config.max_frequency_ppb, config.max_frequency_ppb);
    };
    ServoAction action;

    if (state.samples == 0 || time_ns <= state.last_time_ns) {
        // First sample (or the monotonic clock did not advance): nothing to estimate a rate
        // from yet, so nothing to do; even a large offset waits for the second sample, so that
        // the rate is measured over an interval no step disturbed.
        state.samples = 1;
        state.locked = false;
        state.last_time_ns = time_ns;
        state.last_offset_ns = offset_ns;
        return action;
    }

    const double interval_s = to_seconds(time_ns - state.last_time_ns);
    if (!state.locked) {
        // The offset's drift over the interval is the frequency error left; fold it in, then
        // remove the offset itself by a step, so the integral never winds up on it (linuxptp's
        // PI does the same at its second sample).
        const double drift_ppb = static_cast<double>(offset_ns - state.last_offset_ns) / interval_s;
        state.frequency_ppb = clamp(state.frequency_ppb + drift_ppb);
        state.locked = true;
        state.samples = 2;
        state.last_time_ns = time_ns;
        state.last_offset_ns = offset_ns;
        if (beyond(offset_ns, config.first_step_threshold_ns) ||
            beyond(offset_ns, config.step_threshold_ns)) {
            state.last_offset_ns = 0;
            return {ServoAction::Kind::step_and_frequency, offset_ns, state.frequency_ppb};
        }
        return {ServoAction::Kind::frequency, 0, state.frequency_ppb};
    }

    state.last_time_ns = time_ns;
    if (beyond(offset_ns, config.step_threshold_ns)) {
        // A jump while locked (pause, restore): step it, keep the frequency we learnt.
        state.last_offset_ns = 0;
        return {ServoAction::Kind::step, offset_ns, state.frequency_ppb};
    }
    // Gains are per second; scaled so a longer interval corrects the same share per update.
    const double kp = std::min(config.kp / interval_s, config.kp * 4);
    const double ki = std::min(config.ki / interval_s, config.ki * 4);
    const auto offset = static_cast<double>(offset_ns);
    state.frequency_ppb = clamp(state.frequency_ppb + ki * offset);
    state.last_offset_ns = offset_ns;
    return {ServoAction::Kind::frequency, 0, clamp(state.frequency_ppb + kp * offset)};
}

} // namespace guestclock
