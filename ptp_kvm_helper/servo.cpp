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
        // from. A large offset is stepped at once; the rate comes from the next two samples.
        state.samples = 1;
        state.last_time_ns = time_ns;
        state.last_offset_ns = offset_ns;
        if (beyond(offset_ns, config.step_threshold_ns)) {
            state.last_offset_ns = 0;
            return {ServoAction::Kind::step, offset_ns, state.frequency_ppb};
        }
        return action;
    }

    const double interval_s = to_seconds(time_ns - state.last_time_ns);
    if (!state.locked) {
        // The offset's drift over the interval is the frequency error left; fold it in.
        const double drift_ppb = static_cast<double>(offset_ns - state.last_offset_ns) / interval_s;
        state.frequency_ppb = clamp(state.frequency_ppb + drift_ppb);
        state.locked = true;
        state.last_time_ns = time_ns;
        if (beyond(offset_ns, config.step_threshold_ns)) {
            state.last_offset_ns = 0;
            return {ServoAction::Kind::step_and_frequency, offset_ns, state.frequency_ppb};
        }
        state.last_offset_ns = offset_ns;
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
