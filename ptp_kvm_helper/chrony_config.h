// chrony's configuration as data: a parser for the main file (to learn where drop-ins go and
// what would override ours) and the drop-in this tool writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct ChronyDirective {
    std::string name; // lower-cased: chrony's directives are case-insensitive
    std::vector<std::string> arguments;
    int line = 0; // 1-based
};

// Every directive of a chrony.conf text, skipping blank lines and comments (lines whose first
// non-blank character is one of ! ; # %).
std::vector<ChronyDirective> parse_chrony_config(std::string_view text);

// The first confdir's first directory, where drop-ins are read from.
std::optional<std::string> drop_in_directory(const std::vector<ChronyDirective>& config);

// Directives of the main file named `name` that come after its first confdir line: chrony keeps
// the last occurrence, so these win over a drop-in's (Debian's chrony.conf has `makestep 1 3`
// after `confdir`).
std::vector<ChronyDirective> overriding_directives(const std::vector<ChronyDirective>& config,
                                                   std::string_view name);

// Four updates a second: chronyd believes a jump (a pause) only after several of them, and
// the bar for that is two seconds. See ptp_kvm_helper(8), CHRONY DROP-IN.
inline constexpr int kChronyDefaultPoll = -2;

struct ChronyDropInOptions {
    std::string device = "/dev/ptp_kvm";
    int poll = kChronyDefaultPoll;
};

// Each update takes the median of four readings.
inline constexpr int kChronyReadingsPerUpdateLog2 = 2;

// The drop-in's text: a refclock on the PHC and a makestep that steps at any time.
std::string chrony_drop_in(const ChronyDropInOptions& options);

inline constexpr std::string_view kChronyDropInName = "ptp_kvm.conf";

} // namespace guestclock
