// What a daemon opens in a test: a view of a FakeVmclock the test keeps and changes, since the
// code under test owns (and may drop and reopen) the device it opened.
#pragma once

#include "tests/fakes/fake_vmclock.h"

#include <memory>

namespace guestclock {

class FakeVmclockView final : public Vmclock {
  public:
    explicit FakeVmclockView(FakeVmclock& fake) : fake_(fake) {}
    const std::string& path() const override { return fake_.path(); }
    Result<VmclockPage> read() override { return fake_.read(); }
    int notify_fd() const override { return fake_.notify_fd(); }

    static VmclockOpener opener(FakeVmclock& fake) {
        return [&fake](const std::string&) -> Result<std::unique_ptr<Vmclock>> {
            return std::make_unique<FakeVmclockView>(fake);
        };
    }

  private:
    FakeVmclock& fake_;
};

} // namespace guestclock
