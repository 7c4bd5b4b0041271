// The only way guestclock changes CLOCK_REALTIME. Both correcting tools (rtc_resync,
// ptp_kvm_helper sync) go through this interface, so tests can record every adjustment.
#pragma once

#include "common/kernel_clock_state.h"
#include "common/result.h"
#include "common/time_ns.h"

namespace guestclock {

class ClockAdjuster {
  public:
    virtual ~ClockAdjuster() = default;

    virtual Result<KernelClockState> read_state() = 0;
    // Adds offset to the clock at once (ADJ_SETOFFSET): relative, so no precision is lost
    // between reading the reference and setting the clock.
    virtual Status step(Nanoseconds offset) = 0;
    // Asks the kernel to slew offset away gradually (ADJ_OFFSET_SINGLESHOT, 500 ppm at most).
    virtual Status slew(Nanoseconds offset) = 0;
    // Sets the frequency correction (ADJ_FREQUENCY), in parts per billion; positive runs faster.
    virtual Status set_frequency_ppb(double ppb) = 0;
    // Publishes our estimate of the clock's quality: clears or sets STA_UNSYNC (leaving the
    // other status bits) and sets maxerror/esterror, so other programs see the clock's state.
    virtual Status set_sync_status(bool synchronized, Nanoseconds maxerror,
                                   Nanoseconds esterror) = 0;
};

// The real clock, via clock_adjtime(CLOCK_REALTIME). Needs CAP_SYS_TIME for all but read_state.
class SystemClockAdjuster final : public ClockAdjuster {
  public:
    Result<KernelClockState> read_state() override;
    Status step(Nanoseconds offset) override;
    Status slew(Nanoseconds offset) override;
    Status set_frequency_ppb(double ppb) override;
    Status set_sync_status(bool synchronized, Nanoseconds maxerror, Nanoseconds esterror) override;
};

// The timex status word with STA_UNSYNC set or cleared and every other bit kept: a pending leap
// second (STA_INS, STA_DEL) that another daemon armed must survive our quality updates.
int status_with_sync(int status, bool synchronized);

// The kernel's frequency correction is bounded to +-500 ppm (MAXFREQ).
inline constexpr double kMaxFrequencyPpb = 500'000.0;

} // namespace guestclock
