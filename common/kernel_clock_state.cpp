#include "common/kernel_clock_state.h"

namespace guestclock {

KernelClockState decode_timex(const timex& tx, int clock_state) {
    KernelClockState state;
    state.status = tx.status;
    state.synchronized = (tx.status & STA_UNSYNC) == 0;
    state.pll = (tx.status & STA_PLL) != 0;
    state.clock_state = clock_state;
    // With STA_NANO the kernel reports the offset in ns, else in us.
    state.pll_pending_ns = (tx.status & STA_NANO) != 0 ? tx.offset : tx.offset * kNsPerUs;
    state.frequency_ppm = scaled_ppm_to_ppm(tx.freq);
    state.maxerror_ns = static_cast<Nanoseconds>(tx.maxerror) * kNsPerUs;
    state.esterror_ns = static_cast<Nanoseconds>(tx.esterror) * kNsPerUs;
    state.tick_us = tx.tick;
    return state;
}

} // namespace guestclock
