// The kernel's NTP state (adjtimex), decoded into plain numbers so that policy code can ask
// "is someone disciplining this clock?" without touching the kernel.
#pragma once

#include "common/time_ns.h"

#include <sys/timex.h>

namespace guestclock {

struct KernelClockState {
    bool synchronized = false;      // STA_UNSYNC clear: a time daemon claims the clock
    bool pll = false;               // STA_PLL: the kernel PLL is steering (ntpd, chrony's rtcsync)
    int clock_state = TIME_OK;      // adjtimex's return: TIME_OK, TIME_INS, ..., TIME_ERROR
    int status = 0;                 // raw STA_* bits
    Nanoseconds pll_pending_ns = 0; // what the PLL has still to add to the clock (adjtimex offset)
    double frequency_ppm = 0;       // frequency correction in force
    Nanoseconds maxerror_ns = 0;
    Nanoseconds esterror_ns = 0;
    long tick_us = 0;
};

// Decodes a timex as adjtimex(2) returned it; clock_state is the call's return value.
KernelClockState decode_timex(const timex& tx, int clock_state);

// timex.freq and timex.tolerance are ppm scaled by 2^16.
constexpr double scaled_ppm_to_ppm(long scaled) {
    return static_cast<double>(scaled) / 65536.0;
}
constexpr long ppm_to_scaled_ppm(double ppm) {
    return static_cast<long>(ppm * 65536.0);
}

} // namespace guestclock
