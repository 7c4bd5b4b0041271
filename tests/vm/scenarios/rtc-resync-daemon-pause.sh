#!/bin/sh
# vm-timeout: 150
# The seeds' pause problem, fixed: the daemon runs, the host stops the VM for 10 s (QMP stop,
# cont), and the daemon's once-a-second whole-second check sees the 10 s gap and steps the
# clock back onto the RTC within 3 s of the resume. Timed from the daemon's own log on the
# guest's monotonic clock (which did not run during the pause), confirmed by vmprobe.

rtc_resync daemon >daemon.log 2>&1 &
daemon=$!
# The first precise measurement: a stale interrupt and three edges, about 4 s.
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "the daemon runs" kill -0 "$daemon"
steps_before=$(grep -c "ACTION=step" daemon.log)

pause_vm 10 || not_ok "host paused the VM"
resumed=$(cut -d' ' -f1 /proc/uptime)
if wait_until 10 sh -c "[ \$(grep -c ACTION=step daemon.log) -gt $steps_before ]"; then
    corrected=$(cut -d' ' -f1 /proc/uptime)
    took=$(awk -v a="$corrected" -v b="$resumed" 'BEGIN { printf "%.2f", a - b }')
    diag "paused $(ns_to_s "$PAUSED_NS") s; step logged $took s after the script saw the resume"
    check_range "the daemon stepped within 3 s of the resume (s)" "$took" 0 3
else
    not_ok "the daemon stepped after the pause"
fi
grep "ACTION=step" daemon.log | tail -n 1 | while IFS= read -r l; do diag "$l"; done
after=$(rtc_offset_ns)
check_range "independent |offset| after the daemon's step (ms)" \
    "$(awk -v n="$after" 'BEGIN { printf "%.3f", (n < 0 ? -n : n) / 1e6 }')" 0 2

# The daemon's own steps echo back as clock-set events; they must not cause another round.
check "no second step from the echo of our own step" \
    test "$(grep -c ACTION=step daemon.log)" -eq $((steps_before + 1))

# SIGHUP rereads the configuration; SIGTERM ends the daemon cleanly (exit 0).
kill -HUP "$daemon"
check "SIGHUP reloads the configuration" wait_until 5 grep -q "configuration reloaded" daemon.log
kill -TERM "$daemon"
wait "$daemon"
rc=$?
check "SIGTERM ends the daemon with exit status 0" test "$rc" = 0
