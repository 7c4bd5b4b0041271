#!/bin/sh
# vm-kernel: arm64
# A PL031 set to a bogus date (2000-01-01, before the build date; busybox hwclock writes it
# with RTC_SET_TIME) must never move the clock: once refuses with its own exit code (10) and
# the system clock, set right from the host, stays where it was. The RTC is set back after.

host_s=$(($(host_time_ns) / 1000000000))
date -s @946684800 >/dev/null
check "hwclock -w sets the PL031 to 2000" hwclock -w -u
date -s "@$host_s" >/dev/null
rtc=$(vmprobe rtc-read)
diag "$rtc"
check "the RTC reads a date in 2000" test "$(kv rtc "$rtc" | cut -c1-4)" = 2000

before=$(host_offset_ns)
out=$(rtc_resync once 2>&1)
rc=$?
diag "$out"
check "once exits 10 (before the floor) on a 2000 RTC" test "$rc" = 10
check "the refusal says the RTC reads 2000 and is before the build date" \
    sh -c "echo '$out' | grep -q 'RTC reads 2000-01-01.*before the build date'"
after=$(host_offset_ns)
check_range "the system clock did not move (change of host - system, s)" \
    "$(ns_to_s $((after - before)))" -0.1 0.1
check "the system clock still reads the host's year" test "$(date -u +%Y)" -gt 2020
rtc_resync status >/dev/null 2>&1
check "status exits 10 too" test "$?" = 10

# Back to the host's time: the system clock from the host, the RTC from the system clock.
date -s "@$(($(host_time_ns) / 1000000000))" >/dev/null
hwclock -w -u
rtc=$(vmprobe rtc-read)
check_range "the RTC is set back (RTC - host, s)" \
    "$(($(kv rtc_s "$rtc") - $(host_time_ns) / 1000000000))" -2 2
