// What a daemon opens in a test: a view, under the path it opened, of a FakePhc the test keeps
// and changes, since the code under test owns (and may drop and reopen) the device it opened.
#pragma once

#include "tests/fakes/fake_phc.h"

#include <memory>
#include <string>
#include <utility>

namespace guestclock {

class FakePhcView final : public Phc {
  public:
    FakePhcView(FakePhc& fake, std::string path) : fake_(fake), path_(std::move(path)) {}
    const std::string& path() const override { return path_; }
    Result<PhcCapabilities> capabilities() override { return fake_.capabilities(); }
    Result<PhcSample> read_precise() override { return fake_.read_precise(); }
    Result<std::vector<PhcSample>> read_extended(int count) override {
        return fake_.read_extended(count);
    }
    Result<std::vector<PhcSample>> read_basic(int count) override {
        return fake_.read_basic(count);
    }
    Result<Nanoseconds> read_time() override { return fake_.read_time(); }

  private:
    FakePhc& fake_;
    std::string path_;
};

} // namespace guestclock
