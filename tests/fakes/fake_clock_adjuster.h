// Records every adjustment instead of making it, and can be told to fail, so that correcting
// logic is tested without CAP_SYS_TIME and without touching this machine's clock.
#pragma once

#include "common/clock_adjuster.h"

#include <optional>
#include <vector>

namespace guestclock {

class FakeClockAdjuster final : public ClockAdjuster {
  public:
    KernelClockState state;             // what read_state() answers
    std::optional<int> fail_with_errno; // every call fails with this errno when set
    std::vector<Nanoseconds> steps;
    std::vector<Nanoseconds> slews;
    std::vector<double> frequencies_ppb;
    struct SyncStatus {
        bool synchronized;
        Nanoseconds maxerror;
        Nanoseconds esterror;
    };
    std::vector<SyncStatus> sync_statuses;

    Result<KernelClockState> read_state() override {
        if (fail_with_errno) return fail(*fail_with_errno, "fake read_state");
        return state;
    }
    Status step(Nanoseconds offset) override { return record(steps, offset, "fake step"); }
    Status slew(Nanoseconds offset) override { return record(slews, offset, "fake slew"); }
    Status set_frequency_ppb(double ppb) override {
        if (fail_with_errno) return fail(*fail_with_errno, "fake set_frequency_ppb");
        frequencies_ppb.push_back(ppb);
        state.frequency_ppm = ppb / 1000.0;
        return {};
    }
    Status set_sync_status(bool synchronized, Nanoseconds maxerror, Nanoseconds esterror) override {
        if (fail_with_errno) return fail(*fail_with_errno, "fake set_sync_status");
        sync_statuses.push_back({synchronized, maxerror, esterror});
        state.synchronized = synchronized;
        return {};
    }

    bool changed_nothing() const {
        return steps.empty() && slews.empty() && frequencies_ppb.empty() && sync_statuses.empty();
    }

  private:
    template <class T> Status record(std::vector<T>& log, T value, const char* what) {
        if (fail_with_errno) return fail(*fail_with_errno, what);
        log.push_back(value);
        return {};
    }
};

} // namespace guestclock
