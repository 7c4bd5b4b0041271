#!/bin/sh
# vm-qemu: -rtc base=2000-01-01
# A bogus RTC (2000-01-01, before the build date) must never move the clock: once refuses with
# a clear message and its own exit code (10), status says the same, and the system clock,
# first set right from the host, stays where it was.

host_s=$(($(host_time_ns) / 1000000000))
date -s "@$host_s" >/dev/null
before=$(rtc_offset_ns)
out=$(rtc_resync once 2>&1)
rc=$?
diag "$out"
check "once exits 10 (before the floor) on a 2000 RTC" test "$rc" = 10
check "the refusal says the RTC reads 2000 and is before the build date" \
    sh -c "echo '$out' | grep -q 'RTC reads 2000-01-01.*before the build date'"
after=$(rtc_offset_ns)
check_range "the system clock did not move (change of system - RTC, s)" \
    "$(ns_to_s $((after - before)))" -0.1 0.1
check "the system clock still reads the host's year" test "$(date -u +%Y)" -gt 2020
rtc_resync status >/dev/null 2>&1
check "status exits 10 too" test "$?" = 10
rtc_resync once --min-time 1999-01-01 >/dev/null 2>&1
check "--min-time cannot lower the build-date floor" test "$?" = 10
