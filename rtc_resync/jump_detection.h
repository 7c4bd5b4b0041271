// The daemon's cheap once-a-second checks for pauses, reverts and suspends: anything after
// which the system clock is seconds or days off and must be corrected at once, not at the next
// periodic measurement.
#pragma once

#include "common/time_ns.h"

#include <optional>

namespace guestclock {

// System minus RTC from one whole-second read: realtime_ns taken with the read, against the
// second it showed. The true offset lies in (coarse - 1 s, coarse].
Nanoseconds whole_second_system_minus_rtc(Nanoseconds rtc_second_ns, Nanoseconds realtime_ns);

// After a jump the daemon corrects from a single edge to be quick; that edge must agree with
// the whole-second read taken just before (a second, independent RTC reading): within
// (coarse - 1 s - tolerance, coarse + tolerance).
// The whole-second offset shows a jump of threshold or more. Reading whole seconds, one second
// of difference is normal phase; two are not.
bool whole_second_offset_is_jump(Nanoseconds coarse_offset, Nanoseconds threshold);

bool edge_agrees_with_whole_second(Nanoseconds precise_offset, Nanoseconds coarse_offset,
                                   Nanoseconds tolerance);

// Beside a synchronised time daemon a jump is first the daemon's to correct: its reference is
// finer than the RTC's whole second, and a step of ours racing its step would apply the jump
// twice. The grace counts from when the jump was first seen and ends when it is gone.
class JumpGrace {
  public:
    // True while the jump seen now was first seen less than grace ago (the first call starts
    // the count).
    bool within(Nanoseconds now, Nanoseconds grace);
    void clear() { first_seen_.reset(); }
    bool counting() const { return first_seen_.has_value(); }

  private:
    std::optional<Nanoseconds> first_seen_;
};

// CLOCK_BOOTTIME runs on through suspend, CLOCK_MONOTONIC does not: their gap grows by the
// time spent suspended.
class SuspendDetector {
  public:
    // True when the gap grew by more than tolerance since the previous call.
    bool resumed(Nanoseconds monotonic, Nanoseconds boottime);

  private:
    static constexpr Nanoseconds kTolerance = 500 * kNsPerMs;
    bool primed_ = false;
    Nanoseconds gap_ = 0;
};

} // namespace guestclock
