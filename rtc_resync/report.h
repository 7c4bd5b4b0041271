// What status and once print: a short human summary, or JSON for scripts (the contract:
// device, rtc_name, offset_ns, uncertainty_ns, method, samples; plus the verdict and decision).
#pragma once

#include "common/rtc_calendar.h"
#include "rtc_resync/correction.h"
#include "rtc_resync/rtc_selection.h"

#include <optional>
#include <string>

namespace guestclock {

struct Report {
    SelectedRtc rtc;
    RtcTimeScale scale = RtcTimeScale::utc;
    Measurement measurement;
    std::optional<Decision> decision; // once only
    bool applied = false;             // the decision's change was made (not a dry run)
};

std::string report_json(const Report& report);
std::string report_text(const Report& report);

} // namespace guestclock
