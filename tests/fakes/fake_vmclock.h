// A vmclock device whose page a test sets and changes between reads, with errors queued per read
// (a host mid-update, a device that went away) and a notification descriptor of the test's
// choosing (an eventfd or a pipe's read end), so disruption handling is tested without a host.
#pragma once

#include "common/vmclock.h"

#include <deque>
#include <optional>
#include <string>

namespace guestclock {

class FakeVmclock final : public Vmclock {
  public:
    std::string device_path = "/dev/vmclock0";
    VmclockPage page = synchronized_page();
    // Answered once each, in order, before the page is; then read_errno while it is set.
    std::deque<int> queued_errnos;
    std::optional<int> read_errno;
    int notify = -1;
    int reads = 0;

    // What QEMU's device offers after boot: no counter, UTC, synchronised, marker 1.
    static VmclockPage synchronized_page() {
        VmclockPage p;
        p.size = 4096;
        p.version = 1;
        p.counter_id = 0xff;
        p.seq_count = 2;
        p.disruption_marker = 1;
        p.clock_status = static_cast<std::uint8_t>(VmclockStatus::synchronized);
        return p;
    }

    const std::string& path() const override { return device_path; }
    Result<VmclockPage> read() override {
        ++reads;
        if (!queued_errnos.empty()) {
            const int e = queued_errnos.front();
            queued_errnos.pop_front();
            return fail(e, "fake read " + device_path);
        }
        if (read_errno) return fail(*read_errno, "fake read " + device_path);
        return page;
    }
    int notify_fd() const override { return notify; }
};

} // namespace guestclock
