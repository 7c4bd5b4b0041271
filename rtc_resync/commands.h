// The one-shot commands, over interfaces so that tests run them against fakes: `status`
// measures and changes nothing; `once` measures, decides and corrects. Both return the exit
// code (see exit_codes.h) and print their report on out.
#pragma once

#include "common/clock_adjuster.h"
#include "common/rtc.h"
#include "common/system_files.h"
#include "common/timebase.h"
#include "rtc_resync/rtc_selection.h"
#include "rtc_resync/settings.h"

#include <optional>
#include <ostream>

namespace guestclock {

// What the commands work on: the real machine in main, fakes in tests.
struct ResyncMachine {
    Rtc& rtc;
    SelectedRtc selected;
    Timebase& timebase;
    ClockAdjuster& adjuster;
    const SystemFiles& files; // /etc/adjtime, /proc (time daemons), the state directory
};

struct OutputOptions {
    bool json = false;
    bool dry_run = false;
};

// settings.time_scale, else /etc/adjtime's third line; a malformed file is an error.
Result<RtcTimeScale> resolve_time_scale(const ResyncSettings& settings, const SystemFiles& files);

// What the plausible window is derived from: the build date, --min-time, the last-known-good
// file and max_offline.
GateLimits resolve_limits(const ResyncSettings& settings, const SystemFiles& files);

// Remembers an accepted RTC time as the new floor; failures are reported, not fatal.
Status remember_last_good(const ResyncSettings& settings, const SystemFiles& files,
                          Nanoseconds rtc_time_ns);

int run_status(ResyncMachine& machine, const ResyncSettings& settings, const OutputOptions& output,
               std::ostream& out);
int run_once(ResyncMachine& machine, const ResyncSettings& settings, const OutputOptions& output,
             std::ostream& out);

} // namespace guestclock
