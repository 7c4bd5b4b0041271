// Pure conversions between an RTC's calendar fields and the epoch, and the one setting that
// decides them: whether the RTC keeps UTC or local time (the third line of /etc/adjtime, as
// hwclock(8) reads it). No I/O here, so each rule is tested on strings and numbers.
#pragma once

#include "common/enum_names.h"
#include "common/result.h"
#include "common/rtc.h"
#include "common/time_ns.h"

#include <string_view>

namespace guestclock {

enum class RtcTimeScale { utc, local };

inline constexpr std::array<EnumName<RtcTimeScale>, 2> kRtcTimeScaleNames{{
    {RtcTimeScale::utc, "UTC"},
    {RtcTimeScale::local, "LOCAL"},
}};
constexpr std::string_view rtc_time_scale_name(RtcTimeScale scale) {
    return name_in(kRtcTimeScaleNames, scale);
}

// Fields in range (month 1-12, day valid for that month and year, hour 0-23, ...), year
// 1900-9999. An RTC that reads otherwise is broken or unset; its time is never used.
bool is_valid_rtc_time(const RtcTime& time);

// Seconds since the epoch of a UTC calendar time (no time zone involved), for a time
// is_valid_rtc_time accepts.
std::int64_t utc_calendar_to_epoch(const RtcTime& time);
RtcTime epoch_to_utc_calendar(std::int64_t seconds);

// The RTC time's epoch in nanoseconds. Local time uses this process's TZ (mktime); a local time
// that falls twice in a DST change is ambiguous and resolved as mktime does.
Result<Nanoseconds> rtc_time_to_epoch_ns(const RtcTime& time, RtcTimeScale scale);

// /etc/adjtime's third line: "UTC" or "LOCAL". A file with fewer than three lines means UTC, as
// for hwclock; any other third line is an error rather than a guess.
Result<RtcTimeScale> parse_adjtime_scale(std::string_view adjtime_text);

} // namespace guestclock
