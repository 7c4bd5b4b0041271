// The event loop of guestclock's long-running services (rtc_resync daemon, ptp_kvm_helper sync),
// written once on sd-event so that both behave the same under systemd: SIGTERM and SIGINT end
// the loop cleanly, SIGHUP asks for a reload, sd_notify tells systemd READY, STATUS and
// WATCHDOG, and a change of CLOCK_REALTIME by anyone (date -s, another daemon, a resume) is
// reported as an event rather than discovered late.
//
// Use:
//   auto daemon = Daemon::create();               // blocks the signals, arms the watchdog
//   daemon->on_reload([&] { reread_config(); });
//   daemon->add_periodic(kNsPerSec, [&] { cheap_check(); });
//   daemon->on_clock_set([&] { measure_now(); });
//   daemon->notify_ready("measuring");
//   return daemon->run();                          // until SIGTERM/SIGINT or exit()
//
// Callbacks run on the loop's thread, one at a time; they must not block for long (the
// watchdog is fed from the same loop, which is the point: a stuck loop gets restarted).
#pragma once

#include "common/file_descriptor.h"
#include "common/result.h"
#include "common/time_ns.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

struct sd_event;
struct sd_event_source;

namespace guestclock {

class Daemon;

// A repeating CLOCK_MONOTONIC timer; owned by the Daemon, the handle only changes its period.
class PeriodicTimer {
  public:
    // The new period counts from now (e.g. after SIGHUP changed --interval).
    Status set_interval(Nanoseconds interval);
    // Fires at the next loop iteration instead of waiting out the period. It can fail only
    // when the loop is already gone, which no caller could mend: logged, not returned.
    void fire_soon();
    // Stops it until the next set_interval() or fire_soon() (a timer needed only for a while).
    void stop();

  private:
    friend class Daemon;
    static int dispatch(sd_event_source* source, std::uint64_t usec, void* userdata);
    Nanoseconds interval_ = 0;
    std::function<void()> callback_;
    sd_event_source* source_ = nullptr;
};

// A descriptor watched for as long as the handle lives (one whose fd may be replaced, such as
// a device that can vanish and come back).
class IoWatch {
  public:
    ~IoWatch();
    IoWatch(const IoWatch&) = delete;
    IoWatch& operator=(const IoWatch&) = delete;

  private:
    friend class Daemon;
    IoWatch() = default;
    static int dispatch(sd_event_source* source, int fd, std::uint32_t revents, void* userdata);
    std::function<void()> callback_;
    sd_event_source* source_ = nullptr;
};

class Daemon {
  public:
    // Blocks SIGTERM, SIGINT and SIGHUP for the process (sd-event receives them via signalfd)
    // and feeds systemd's watchdog at half its period when sd_watchdog_enabled() says one is set.
    static Result<std::unique_ptr<Daemon>> create();
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // SIGHUP. Without a callback SIGHUP is ignored (never the default action: terminating).
    void on_reload(std::function<void()> callback) { reload_ = std::move(callback); }

    // Calls callback every interval of CLOCK_MONOTONIC, first after one interval. The timer
    // stays valid until the Daemon is destroyed. accuracy 0 is sd-event's default (250 ms, so
    // wake-ups coalesce); a servo that samples on the timer asks for less.
    Result<PeriodicTimer*> add_periodic(Nanoseconds interval, std::function<void()> callback,
                                        Nanoseconds accuracy = 0);

    // Calls callback whenever CLOCK_REALTIME is set discontinuously (settimeofday, ADJ_SETOFFSET,
    // including our own steps: callers that step must expect the echo), via a timerfd armed with
    // TFD_TIMER_CANCEL_ON_SET. Several sets in quick succession may arrive as one call.
    Status on_clock_set(std::function<void()> callback);

    // Calls callback when fd becomes readable (e.g. a udev monitor's socket).
    Status watch_readable(int fd, std::function<void()> callback);
    // The same until the handle is destroyed.
    Result<std::unique_ptr<IoWatch>> watch_readable_while(int fd, std::function<void()> callback);

    // sd_notify: READY=1 with a first STATUS line; later STATUS lines (systemctl status shows
    // the latest). Harmless when not started by systemd.
    void notify_ready(std::string_view status);
    void notify_status(std::string_view status);

    // Runs until a termination signal or exit(); returns the exit code to give main.
    Result<int> run();
    void exit(int code);

    sd_event* event() { return event_; }

  private:
    Daemon() = default;
    Status arm_clock_set_timer();

    sd_event* event_ = nullptr;
    std::function<void()> reload_;
    std::function<void()> clock_set_;
    std::vector<std::unique_ptr<PeriodicTimer>> timers_;
    std::vector<std::unique_ptr<std::function<void()>>> readable_callbacks_;
    FileDescriptor clock_set_fd_;
};

} // namespace guestclock
