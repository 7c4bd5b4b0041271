#include "common/clock_adjuster.h"

#include <algorithm>
#include <sys/timex.h>

namespace guestclock {

namespace {

Result<int> adjust(timex& tx, const char* what) {
    const int state = clock_adjtime(CLOCK_REALTIME, &tx);
    if (state < 0) return fail_errno(what);
    return state;
}

} // namespace

Result<KernelClockState> SystemClockAdjuster::read_state() {
    timex tx{};
    auto state = adjust(tx, "adjtimex (read)");
    if (!state) return std::unexpected(state.error());
    return decode_timex(tx, *state);
}

Status SystemClockAdjuster::step(Nanoseconds offset) {
    timex tx{};
    tx.modes = ADJ_SETOFFSET | ADJ_NANO;
    const timespec ts = to_timespec(offset);
    tx.time.tv_sec = ts.tv_sec;
    tx.time.tv_usec = ts.tv_nsec; // with ADJ_NANO this field holds nanoseconds
    auto state = adjust(tx, "clock_adjtime ADJ_SETOFFSET");
    if (!state) return std::unexpected(state.error());
    return {};
}

Status SystemClockAdjuster::slew(Nanoseconds offset) {
    timex tx{};
    tx.modes = ADJ_OFFSET_SINGLESHOT;
    // Singleshot takes microseconds and at most ~2^31 of them; larger offsets are for step().
    tx.offset = static_cast<long>(offset / kNsPerUs);
    auto state = adjust(tx, "adjtimex ADJ_OFFSET_SINGLESHOT");
    if (!state) return std::unexpected(state.error());
    return {};
}

Status SystemClockAdjuster::set_frequency_ppb(double ppb) {
    timex tx{};
    tx.modes = ADJ_FREQUENCY;
    tx.freq = ppm_to_scaled_ppm(std::clamp(ppb, -kMaxFrequencyPpb, kMaxFrequencyPpb) / 1000.0);
    auto state = adjust(tx, "adjtimex ADJ_FREQUENCY");
    if (!state) return std::unexpected(state.error());
    return {};
}

int status_with_sync(int status, bool synchronized) {
    return synchronized ? (status & ~STA_UNSYNC) : (status | STA_UNSYNC);
}

Status SystemClockAdjuster::set_sync_status(bool synchronized, Nanoseconds maxerror,
                                            Nanoseconds esterror) {
    timex current{};
    auto read = adjust(current, "adjtimex (read)");
    if (!read) return std::unexpected(read.error());
    timex tx{};
    tx.modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR;
    tx.status = status_with_sync(current.status, synchronized);
    tx.maxerror = static_cast<long>(maxerror / kNsPerUs);
    tx.esterror = static_cast<long>(esterror / kNsPerUs);
    auto state = adjust(tx, "adjtimex ADJ_STATUS");
    if (!state) return std::unexpected(state.error());
    return {};
}

} // namespace guestclock
