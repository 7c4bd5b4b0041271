// Asking a running chronyd to correct the clock now, as an operator does by hand with
// `chronyc makestep` after a revert (seed 003), through chronyd's own client: chronyc speaks
// the protocol of the chronyd installed beside it and, as root, uses its Unix socket, the only
// way chronyd takes commands that change the clock.
#pragma once

#include "common/result.h"
#include "common/time_ns.h"

#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

// `chronyc -c tracking`, the fields we use.
struct ChronyTracking {
    std::string reference;      // the selected source's name, e.g. "PHC0" or an address
    double reference_time = 0;  // Unix time of chronyd's last clock update
    double system_offset_s = 0; // how far chronyd still has to slew the clock
    std::string leap_status;    // "Normal", "Not synchronised", ...
};

// One line of `chronyc -c tracking` (CSV); EINVAL names what is wrong with it.
Result<ChronyTracking> parse_chrony_tracking(std::string_view csv_line);

class ChronyControl {
  public:
    virtual ~ChronyControl() = default;
    virtual Result<ChronyTracking> tracking() = 0;
    // Starts a burst of measurements of chronyd's NTP sources, so that its next clock update
    // comes now rather than at its next poll (up to 17 minutes away).
    virtual Status remeasure() = 0;
    // Steps the clock by what chronyd's latest update found.
    virtual Status step() = 0;
};

class ChronycControl final : public ChronyControl {
  public:
    explicit ChronycControl(std::string chronyc = "/usr/bin/chronyc");
    Result<ChronyTracking> tracking() override;
    Status remeasure() override;
    Status step() override;

  private:
    // Runs chronyc with args and returns what it printed; killed when it takes longer than a
    // daemon's loop may wait.
    Result<std::string> run(const std::vector<std::string>& args);
    std::string chronyc_;
};

// A request's course: fresh measurements asked for, then at each of chronyd's updates a step
// while chronyd still has a jump to correct, until an update finds none (a sample sent before
// a revert and answered after it may show chronyd only part of the jump); given up when that
// takes too long (the caller's own grace then decides).
class ChronyStepRequest {
  public:
    enum class State { idle, waiting_for_update, settled, gave_up };
    static constexpr Nanoseconds kGiveUpAfter = 10 * kNsPerSec;
    // Less is left to chronyd's slewing (at up to 83 ms/s, under a second).
    static constexpr double kStepAboveSeconds = 0.05;

    // now: CLOCK_MONOTONIC. An error (chronyc missing, not allowed) leaves the request idle.
    Status start(ChronyControl& chrony, Nanoseconds now);
    // One look at chronyd's tracking; a step when it shows a fresh update with a jump left.
    State poll(ChronyControl& chrony, Nanoseconds now);
    State state() const { return state_; }
    bool active() const { return state_ == State::waiting_for_update; }
    int steps() const { return steps_; }

  private:
    State state_ = State::idle;
    double last_update_ = 0;
    Nanoseconds started_ = 0;
    int steps_ = 0;
};

} // namespace guestclock
