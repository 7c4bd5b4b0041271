// The clock servo of `sync`: a PI controller on the system clock's frequency, with a step for
// offsets beyond a threshold. Pure: offsets and times in, the correction out, no I/O, so it is
// tested with synthetic frequency errors and jitter.
#pragma once

#include "common/time_ns.h"

namespace guestclock {

struct ServoConfig {
    // Offsets at or beyond this are stepped: with a paravirtual reference they are a pause,
    // a restore or a migration, never noise worth slewing for minutes.
    Nanoseconds step_threshold_ns = kNsPerMs;
    // Once the rate is first known, offsets this large are stepped too (0 never): the servo
    // then starts with no offset to integrate. linuxptp's default for phc2sys.
    Nanoseconds first_step_threshold_ns = 20 * kNsPerUs;
    // Gains per second of interval, as linuxptp's PI uses for hardware clocks: each update
    // removes kp of the offset and folds ki of it into the frequency estimate.
    double kp = 0.7;
    double ki = 0.3;
    double max_frequency_ppb = 500'000.0; // the kernel's limit
};

struct ServoState {
    int samples = 0;     // since start or the last step
    bool locked = false; // the frequency was estimated; PI runs
    Nanoseconds last_system_minus_reference_ns = 0;
    Nanoseconds last_time_ns = 0;
    double frequency_ppb = 0; // the integral term: our estimate of the clock's error
};

struct ServoAction {
    enum class Kind { none, step, frequency, step_and_frequency };
    Kind kind = Kind::none;
    Nanoseconds step_ns = 0;  // add this to the system clock
    double frequency_ppb = 0; // absolute frequency correction to set
};

// system_minus_reference_ns: positive when the system clock is ahead; the correction is the
// opposite. time_ns: when it was measured, on a monotonic clock. frequency_ppb in state must
// start as the kernel's current correction, so the estimate builds on it.
ServoAction servo_sample(ServoState& state, Nanoseconds system_minus_reference_ns,
                         Nanoseconds time_ns, const ServoConfig& config);

} // namespace guestclock
