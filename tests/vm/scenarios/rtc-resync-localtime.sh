#!/bin/sh
# vm-qemu: -rtc base=localtime
# vm-hosttz: CET-1CEST,M3.5.0,M10.5.0/3
# An RTC kept in local time (Windows-style dual boot images): qemu's RTC reads Central European
# time, /etc/adjtime says LOCAL, TZ is set: rtc_resync reads it as local time and puts the
# system clock on true UTC. The harness's reset read the RTC as UTC, so the clock starts an
# hour off (or two, in summer).

export TZ=CET-1CEST,M3.5.0,M10.5.0/3
printf '0.0 0 0.0\n0\nLOCAL\n' >/etc/adjtime
host_before=$(host_time_ns)
wrong=$(($(date +%s) - host_before / 1000000000))
diag "system clock minus host time before: $wrong s"
out=$(rtc_resync once --json 2>&1)
rc=$?
check "once exits 0 with a local-time RTC" test "$rc" = 0
check "once read the RTC as LOCAL" sh -c "echo '$out' | grep -q '\"time_scale\": \"LOCAL\"'"
# busybox date has whole seconds only: agreement to a second is what can be shown here; the
# sub-millisecond agreement is status's below.
err_s=$(($(date +%s) - $(host_time_ns) / 1000000000))
check_range "after once the system clock agrees with the host's UTC (whole s)" "$err_s" -1 1
status=$(rtc_resync status --json 2>/dev/null)
off=$(echo "$status" | sed -n 's/^  "offset_ns": \(-*[0-9]*\).*/\1/p')
# 5 ms, not the 2 ms bar of bench/bench_rtc_resync: with two TCG guests sharing 2 cores the
# 7.x kernel measured 2.6-3.2 ms here on a quiet host (polled edges widen under emulation);
# a tool that missed the edge would be off by up to a second.
check_range "status (local time) then finds |offset| below 5 ms (ms)" \
    "$(awk -v n="$off" 'BEGIN { printf "%.3f", (n < 0 ? -n : n) / 1e6 }')" 0 5
rtc_resync --utc status >/dev/null 2>&1
utc_off=$(rtc_resync --utc status --json 2>/dev/null | sed -n 's/^  "offset_ns": \(-*[0-9]*\).*/\1/p')
check_range "--utc overrides /etc/adjtime: the same RTC read as UTC is an hour off (h)" \
    "$(awk -v n="$utc_off" 'BEGIN { printf "%.2f", -n / 3.6e12 }')" 0.99 2.01
rm -f /etc/adjtime
