// Watches the vmclock page for the correcting daemons: finds the device through udev, reads it
// when the driver signals a change or, where it offers no signal, four times a second (a pread
// of a page; no timer at all while there is no device), and reports when its markers
// moved: the guest was restored from a snapshot or migrated, so its clock may have jumped by
// any amount (a sub-second revert too, which no whole-second comparison can see) and what was
// learnt of its rate is void. A page that cannot be read or makes no sense is said once and is
// never reported as a disruption; the page never moves the clock by itself: a disruption only
// makes the daemon measure its own reference at once.
#pragma once

#include "common/daemon.h"
#include "common/device_finder.h"
#include "common/device_monitor.h"
#include "common/vmclock.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace guestclock {

struct VmclockDisruption {
    std::string path;
    std::uint64_t marker_before = 0;
    std::uint64_t marker_now = 0;
    std::optional<std::uint64_t> generation_before;
    std::optional<std::uint64_t> generation_now;

    // The generation counter, where the host keeps one, changes only on a snapshot restore.
    bool restored() const { return generation_now && generation_before != generation_now; }
    // The ABI promises only a value not seen before, but a host that counts never goes back.
    bool marker_went_back() const { return marker_now < marker_before; }
    // "/dev/vmclock0: disruption_marker 1 -> 2 (snapshot restore or migration)"
    std::string describe() const;
};

class VmclockWatch {
  public:
    using OnDisruption = std::function<void(const VmclockDisruption&)>;

    // misc_events: udev's "misc" subsystem, to notice a vmclock device appear or go (optional).
    VmclockWatch(DeviceFinder& finder, VmclockOpener open, OnDisruption on_disruption,
                 DeviceMonitor* misc_events = nullptr);

    // Without the driver's notifications the page is read this often: a disruption is then
    // acted on within this and one RTC edge, inside two seconds of the guest resuming.
    static constexpr Nanoseconds kPollInterval = 250 * kNsPerMs;

    // Wires the udev events, and the driver's notifications or the polling timer, into the
    // loop; each leads to check().
    Status attach(Daemon& loop);

    // Reads the page now (opening a device first when one is known to be there) and calls
    // on_disruption when its markers differ from the last good reading.
    void check();

    // A udev event of the "misc" subsystem (also what attach() feeds in).
    void device_event(const DeviceEvent& event);

    bool has_device() const { return device_ != nullptr; }
    const std::optional<VmclockPage>& last_page() const { return last_; }
    std::uint64_t disruptions() const { return disruptions_; }

  private:
    void open_first();
    void close(const std::string& why);
    void say_once(const std::string& message);
    // Notifications where the device offers them, else the polling timer; neither without one.
    void arrange_wakeups();
    void drain_events();

    DeviceFinder& finder_;
    VmclockOpener open_;
    OnDisruption on_disruption_;
    DeviceMonitor* misc_events_;
    Daemon* loop_ = nullptr;
    std::unique_ptr<Vmclock> device_;
    std::unique_ptr<IoWatch> notification_watch_;
    PeriodicTimer* poll_timer_ = nullptr;
    bool look_for_device_ = true; // at start and after udev announced one
    bool retry_open_ = false;     // the last open met a page mid-update
    std::optional<VmclockPage> last_;
    std::string last_problem_;
    std::uint64_t disruptions_ = 0;
};

} // namespace guestclock
