// rtc_resync's exit codes: the common ones (0 ok, 2 usage, 3 runtime: no RTC, a failed read or
// adjustment), 4 when another rtc_resync holds the clock, and one per refusal, so that a boot or
// resume hook can tell why the clock was left alone. Documented in rtc_resync(8), EXIT STATUS.
#pragma once

#include "common/cli.h"
#include "rtc_resync/reference_gate.h"

namespace guestclock {

enum ResyncExitCode : int {
    kExitLocked = 4,             // another rtc_resync is correcting the clock (clock_lock.h)
    kExitBeforeFloor = 10,       // RTC earlier than the build date / --min-time / last good
    kExitBeyondCeiling = 11,     // RTC implausibly far in the future
    kExitSamplesDisagree = 12,   // consecutive edges disagree
    kExitTooFewSamples = 13,     // not enough edges to check agreement
    kExitCircularReference = 14, // the kernel writes this RTC (11-minute mode): no slewing
    kExitTooLargeToSlew = 15,    // --no-step and an offset beyond what slewing can take
};

constexpr int exit_code_for(Refusal refusal) {
    switch (refusal) {
    case Refusal::none:
        return kExitOk;
    case Refusal::before_floor:
        return kExitBeforeFloor;
    case Refusal::beyond_ceiling:
        return kExitBeyondCeiling;
    case Refusal::samples_disagree:
        return kExitSamplesDisagree;
    case Refusal::too_few_samples:
        return kExitTooFewSamples;
    case Refusal::circular_reference:
        return kExitCircularReference;
    case Refusal::too_large_to_slew:
        return kExitTooLargeToSlew;
    }
    return kExitRuntime;
}

} // namespace guestclock
