#include "ptp_kvm_helper/clock_follower.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

namespace guestclock {

namespace {

// Samples of one batch are taken within microseconds; their offsets may differ by their
// brackets' widths and a little noise, never by more.
constexpr Nanoseconds kSpreadAllowance = kNsPerMs;

} // namespace

std::optional<std::string> implausible_reading(const std::vector<PhcSample>& samples,
                                               const TimeEvidence& evidence) {
    if (samples.empty()) return "no samples";
    Nanoseconds min_offset = samples.front().system_minus_phc_ns();
    Nanoseconds max_offset = min_offset;
    Nanoseconds max_delay = 0;
    for (const auto& sample : samples) {
        const WindowCheck check =
            check_window(plausible_window(evidence, sample.system_ns), sample.phc_ns, "it");
        if (check.crossed != Bound::none) return check.reason;
        if (sample.delay_ns < 0) return "a sample's system clock ran backwards";
        min_offset = std::min(min_offset, sample.system_minus_phc_ns());
        max_offset = std::max(max_offset, sample.system_minus_phc_ns());
        max_delay = std::max(max_delay, sample.delay_ns);
    }
    if (max_offset - min_offset > kSpreadAllowance + 4 * max_delay)
        return fmt::format("samples disagree by {} ns", max_offset - min_offset);
    return std::nullopt;
}

Status ClockFollower::start() {
    auto state = adjuster_.read_state();
    if (!state) return std::unexpected(state.error());
    servo_ = ServoState{};
    servo_.frequency_ppb = state->frequency_ppm * 1000.0;
    return {};
}

void ClockFollower::reset_device() {
    const double frequency = servo_.frequency_ppb;
    servo_ = ServoState{};
    servo_.frequency_ppb = frequency; // the clock's own error did not change with the device
    method_ = PhcMethod::precise;
}

Result<FollowerUpdate> ClockFollower::update(Phc& phc, Nanoseconds now_ns) {
    auto reading = read_phc_offset(phc, samples_per_update_, method_);
    if (!reading) return std::unexpected(reading.error());
    method_ = reading->method;
    if (auto why = implausible_reading(reading->samples, evidence_))
        return fail(0, "refusing a reading of " + phc.path() + ": " + *why);

    const PhcSample& best = tightest_sample(reading->samples);
    FollowerUpdate update{reading->method, best.system_minus_phc_ns(), best.delay_ns, {}};
    update.action = servo_sample(servo_, update.system_minus_phc_ns, now_ns, config_);

    using Kind = ServoAction::Kind;
    const Kind kind = update.action.kind;
    if (kind == Kind::step || kind == Kind::step_and_frequency) {
        if (auto s = adjuster_.step(update.action.step_ns); !s) return std::unexpected(s.error());
    }
    if (kind == Kind::frequency || kind == Kind::step_and_frequency) {
        if (auto s = adjuster_.set_frequency_ppb(update.action.frequency_ppb); !s)
            return std::unexpected(s.error());
    }
    if (kind != Kind::none) {
        // What is left after this correction: the offset unless we stepped it away, plus
        // the pairing's uncertainty. The kernel grows maxerror on its own between updates.
        const bool stepped = kind == Kind::step || kind == Kind::step_and_frequency;
        const Nanoseconds esterror =
            (stepped ? 0 : std::abs(update.system_minus_phc_ns)) + best.delay_ns;
        if (auto s = adjuster_.set_sync_status(true, esterror + kNsPerMs / 10, esterror); !s)
            return std::unexpected(s.error());
    }
    return update;
}

} // namespace guestclock
