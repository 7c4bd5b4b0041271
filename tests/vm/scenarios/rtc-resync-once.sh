#!/bin/sh
# rtc_resync once: a clock set wrong by +37 s and by -37 s with date -s is stepped back onto
# the RTC, and an independent edge-synchronised measurement (vmprobe, not our code) then finds
# |system - RTC| below 2 ms. status alone changes nothing.

before=$(vmprobe rtc-offset)
status=$(rtc_resync status --json 2>&1)
rc=$?
check "status exits 0 on a good RTC" test "$rc" = 0
check "status names the device and its driver" sh -c "echo '$status' | grep -q '\"rtc_name\": \"rtc_cmos'"
diag "status: method=$(echo "$status" | sed -n 's/.*"method": "\([a-z]*\)".*/\1/p' | head -n 1) offset_ns=$(echo "$status" | sed -n 's/^  "offset_ns": \(-*[0-9]*\).*/\1/p')"

for delta in 37 -37; do
    date -s "@$(($(date +%s) + delta))" >/dev/null
    wrong=$(rtc_offset_ns)
    out=$(rtc_resync once --json 2>&1)
    rc=$?
    after=$(independent_offset_ns)
    diag "date moved by $delta s: offset before $(ns_to_s "$wrong") s, after once $after ns"
    check "once exits 0 after a $delta s error" test "$rc" = 0
    check "once stepped ($delta s)" sh -c "echo '$out' | grep -q '\"action\": \"step\"'"
    # 5 ms, not the 2 ms bar of bench/bench_rtc_resync: with two TCG guests sharing 2 cores the
    # 7.x kernel measured 2.6-3.2 ms here on a quiet host (polled edges widen under emulation);
    # a tool that missed the edge would be off by up to a second.
    check_range "independent |offset| after once ($delta s), ms" \
        "$(abs_ms "$after")" 0 5
done

check "once --dry-run changes nothing" sh -c '
    date -s "@$(($(date +%s) + 5))" >/dev/null
    rtc_resync once --dry-run >/dev/null 2>&1
    o=$(vmprobe rtc-offset | sed -n "s/.*offset_ns=\(-*[0-9]*\).*/\1/p")
    [ "$o" -gt 4000000000 ]'
rtc_resync once >/dev/null 2>&1
