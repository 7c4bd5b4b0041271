#include "rtc_resync/correction_policy.h"

#include <cstdlib>
#include <fmt/format.h>

namespace guestclock {

namespace {

std::string seconds(Nanoseconds ns) {
    return fmt::format("{:+.6f} s", to_seconds(ns));
}

} // namespace

Decision decide_correction(const OffsetEstimate& estimate, const ClockSituation& situation,
                           const PolicySettings& settings) {
    const Nanoseconds offset = estimate.system_minus_rtc_ns;
    const Nanoseconds size = std::abs(offset);
    const Nanoseconds correction = -offset;

    if (situation.daemon_synchronised) {
        if (size >= settings.jump_threshold_ns && !settings.no_step &&
            situation.within_daemon_grace)
            return {Action::stand_down, 0,
                    fmt::format("offset {} is a jump: leaving {} its grace to correct it before "
                                "stepping",
                                seconds(offset), situation.daemon_name)};
        if (size >= settings.jump_threshold_ns && !settings.no_step)
            return {Action::step, correction,
                    fmt::format("offset {} is a jump (>= {}): stepping although {} synchronises "
                                "the clock",
                                seconds(offset), seconds(settings.jump_threshold_ns),
                                situation.daemon_name)};
        return {Action::stand_down, 0,
                fmt::format("{} synchronises the clock: standing down (offset {})",
                            situation.daemon_name, seconds(offset))};
    }
    if (size >= settings.step_threshold_ns && !settings.no_step)
        return {Action::step, correction,
                fmt::format("offset {} at or above the step threshold {}", seconds(offset),
                            seconds(settings.step_threshold_ns))};
    if (situation.rtc_written_by_kernel && !settings.allow_circular_reference)
        return {Action::refuse, 0,
                fmt::format("the kernel's 11-minute mode writes the system clock into this RTC "
                            "(clock marked synchronised): it is a circular reference, refusing "
                            "to slew by {}",
                            seconds(correction)),
                Refusal::circular_reference};
    if (size > kMaxSlewNs)
        return {
            Action::refuse, 0,
            fmt::format("offset {} is too large to slew and stepping is disabled", seconds(offset)),
            Refusal::too_large_to_slew};
    if (offset == 0) return {Action::none, 0, "offset is zero"};
    return {Action::slew, correction,
            fmt::format("offset {} below the step threshold: slewing", seconds(offset))};
}

} // namespace guestclock
