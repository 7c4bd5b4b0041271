// What `ptp_kvm_helper chrony --boot` does with the chrony drop-in at each boot, before chronyd
// starts (ptp-kvm-chrony.service): follow the paravirtual PHC this boot has, or take the drop-in
// away when there is none, so that an image built on KVM and booted elsewhere does not leave
// chronyd failing on a missing /dev/ptp_kvm. Pure: the command reads, this decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace guestclock {

enum class BootDropIn {
    write,  // a PHC, and the file is missing or says something else
    keep,   // a PHC, and the file already says what we would write
    remove, // no PHC, and the file is ours
    leave,  // the file is not ours (someone wrote their own under our name): never touched
    none,   // no PHC and no file
};

struct BootDropInPlan {
    BootDropIn action = BootDropIn::none;
    std::string reason; // one log line
};

// The first words of every drop-in this tool writes (chrony_drop_in's header).
inline constexpr std::string_view kOurDropInHeader = "# Written by ptp_kvm_helper";

// True for a file's text that this tool wrote, whatever version of it.
bool is_our_drop_in(std::string_view text);

// phc: the paravirtual clock this boot has (its path), or nothing. current: the drop-in file's
// text, or nothing when it does not exist. wanted: the text chrony_drop_in gives for phc.
BootDropInPlan plan_boot_drop_in(const std::optional<std::string>& phc,
                                 const std::optional<std::string>& current,
                                 std::string_view wanted);

} // namespace guestclock
