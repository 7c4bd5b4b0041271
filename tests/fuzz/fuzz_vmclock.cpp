// libFuzzer target: the vmclock page decoder on any bytes a hypervisor could put in the page.
// Every field is decoded or the page refused; nothing it accepts may break the name lookups the
// reports make of it.
#include "common/vmclock.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto page = guestclock::parse_vmclock(std::span(data, size));
    if (!page) return 0;
    (void)guestclock::vmclock_status_name(page->clock_status);
    (void)guestclock::vmclock_counter_name(page->counter_id);
    (void)guestclock::vmclock_time_type_name(page->time_type);
    (void)guestclock::vmclock_leap_indicator_name(page->leap_indicator);
    (void)guestclock::vmclock_flag_names(page->flags);
    return 0;
}
