#include "ptp_kvm_helper/chrony_boot.h"

#include <fmt/format.h>

namespace guestclock {

bool is_our_drop_in(std::string_view text) {
    return text.starts_with(kOurDropInHeader);
}

BootDropInPlan plan_boot_drop_in(const std::optional<std::string>& phc,
                                 const std::optional<std::string>& current,
                                 std::string_view wanted) {
    if (current && !is_our_drop_in(*current))
        return {BootDropIn::leave, "it was not written by ptp_kvm_helper: leaving it alone"};
    if (phc) {
        if (current && *current == wanted)
            return {BootDropIn::keep, fmt::format("already in place for {}", *phc)};
        return {BootDropIn::write, fmt::format("{} is there: chronyd follows it", *phc)};
    }
    if (current)
        return {BootDropIn::remove, "no paravirtual PHC this boot: removing the drop-in, which "
                                    "would make chronyd fail on a missing device"};
    return {BootDropIn::none, "no paravirtual PHC this boot, and no drop-in to remove"};
}

} // namespace guestclock
