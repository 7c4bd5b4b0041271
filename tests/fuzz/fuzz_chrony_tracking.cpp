// libFuzzer target: a line of `chronyc -c tracking`, from whichever chronyc is installed.
#include "common/chrony_control.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    (void)guestclock::parse_chrony_tracking(line);
    return 0;
}
