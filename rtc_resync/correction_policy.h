// What to do with an accepted offset: step, slew, or nothing. Pure, so that every rule of the
// issue (threshold, coexistence with a synchronised time daemon, the 11-minute-mode circular
// reference, --no-step) is a tested line here, and every decision carries its reason for the log.
#pragma once

#include "common/enum_names.h"
#include "rtc_resync/offset_estimate.h"
#include "rtc_resync/reference_gate.h"

#include <string>
#include <string_view>

namespace guestclock {

struct PolicySettings {
    // At or above: step (ADJ_SETOFFSET); below: slew.
    Nanoseconds step_threshold_ns = 128 * kNsPerMs;
    // Beside a synchronised time daemon we only step, and only for jumps at least this big
    // (pauses, reverts): smaller errors are the daemon's business.
    Nanoseconds jump_threshold_ns = 2 * kNsPerSec;
    bool no_step = false;
    // Slew from an RTC that the kernel's 11-minute mode writes back (a circular reference).
    bool allow_circular_reference = false;
};

// What was found around the clock when the offset was measured.
struct ClockSituation {
    // A time daemon runs and the kernel reports the clock synchronised (STA_UNSYNC clear).
    bool daemon_synchronised = false;
    std::string daemon_name; // "chronyd", ...
    // The kernel copies the system clock into this RTC (11-minute mode).
    bool rtc_written_by_kernel = false;
    // A jump was first seen less than the daemon's grace ago: it may still correct it itself.
    bool within_daemon_grace = false;
};

enum class Action { none, step, slew, stand_down, refuse };
inline constexpr std::array<EnumName<Action>, 5> kActionNames{{
    {Action::none, "none"},
    {Action::step, "step"},
    {Action::slew, "slew"},
    {Action::stand_down, "stand_down"},
    {Action::refuse, "refuse"},
}};
constexpr std::string_view action_name(Action action) {
    return name_in(kActionNames, action);
}

struct Decision {
    Action action = Action::none;
    Nanoseconds correction_ns = 0; // added to CLOCK_REALTIME (minus the offset)
    std::string reason;
    Refusal refusal = Refusal::none; // set when action is refuse
};

// The longest offset ADJ_OFFSET_SINGLESHOT takes (the kernel's adjtime limit, ~35 minutes).
inline constexpr Nanoseconds kMaxSlewNs = 2'000 * kNsPerSec;

Decision decide_correction(const OffsetEstimate& estimate, const ClockSituation& situation,
                           const PolicySettings& settings);

} // namespace guestclock
