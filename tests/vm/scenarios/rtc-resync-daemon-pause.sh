#!/bin/sh
# vm-timeout: 150
# The seeds' pause problem, fixed: the daemon runs, the host stops the VM for 10 s (QMP stop,
# cont), and the daemon's once-a-second whole-second check sees the 10 s gap and steps the
# clock back onto the RTC within 3 s of the resume. Timed from the daemon's own log on the
# guest's monotonic clock (which did not run during the pause), confirmed by vmprobe. Its
# --prometheus textfile appears, parses, and follows the pause and the step.

mkdir textfiles
prom=textfiles/guestclock-rtc-resync.prom
rtc_resync daemon --prometheus $prom >daemon.log 2>&1 &
daemon=$!
# The first precise measurement: a stale interrupt and three edges, about 4 s.
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "the daemon runs" kill -0 "$daemon"
steps_before=$(grep -c "ACTION=step" daemon.log)

check "--prometheus: the textfile appears after the first measurement" wait_until 2 test -s $prom
check "--prometheus: it parses (HELP, TYPE, samples under their TYPE)" prom_valid $prom
check "--prometheus: it declares the offset gauge" \
    grep -qx "# TYPE guestclock_rtc_resync_offset_seconds gauge" $prom
check "--prometheus: state synchronising" \
    grep -qx 'guestclock_rtc_resync_state{state="synchronising"} 1' $prom
# The runner put the clock on the RTC at a second edge: the first offset is a few ms at most.
check_range "--prometheus: offset gauge after the first measurement (s)" \
    "$(prom_value $prom guestclock_rtc_resync_offset_seconds)" -0.05 0.05
measured_before=$(prom_value $prom guestclock_rtc_resync_last_measurement_timestamp_seconds)

actions_before=$(grep -c "ACTION=" daemon.log)
pause_vm 10 || not_ok "host paused the VM"
resumed=$(cut -d' ' -f1 /proc/uptime)
since_resume() { awk -v a="$(cut -d' ' -f1 /proc/uptime)" -v b="$resumed" 'BEGIN { printf "%.2f", a - b }'; }
if wait_until 10 sh -c "[ \$(grep -c ACTION=step daemon.log) -gt $steps_before ]"; then
    took=$(since_resume)
    diag "paused $(ns_to_s "$PAUSED_NS") s; step logged $took s after the script saw the resume"
    check_range "the daemon stepped within 3 s of the resume (s)" "$took" 0 3
else
    not_ok "the daemon stepped after the pause"
fi
# The quick step comes from one polled edge; the full measurement that follows refines it.
wait_until 10 sh -c "[ \$(grep -c ACTION= daemon.log) -ge $((actions_before + 2)) ]"
diag "full measurement after the step done $(since_resume) s after the resume"
grep "ACTION=" daemon.log | tail -n 2 | while IFS= read -r l; do diag "$l"; done
after=$(independent_offset_ns)
# 5 ms, not the 2 ms bar of bench/bench_rtc_resync: with two TCG guests sharing 2 cores the
# 7.x kernel measured 2.6-3.2 ms here on a quiet host (polled edges widen under emulation);
# a tool that missed the edge would be off by up to a second.
check_range "independent |offset| after the daemon's correction (ms)" "$(abs_ms "$after")" 0 5

# The textfile followed: rewritten by the full measurement after the quick step, whose offset
# is that step's residue, and it counts the steps the log shows.
measured_after=$(prom_value $prom guestclock_rtc_resync_last_measurement_timestamp_seconds)
diag "--prometheus: last measurement at $measured_before before the pause, $measured_after after"
check "--prometheus: rewritten after the pause (a later measurement time)" \
    awk -v a="$measured_after" -v b="$measured_before" 'BEGIN { exit !(a > b) }'
check_range "--prometheus: offset gauge of the measurement after the quick step (s)" \
    "$(prom_value $prom guestclock_rtc_resync_offset_seconds)" -0.05 0.05
steps_logged=$(grep -c "ACTION=step" daemon.log)
check "--prometheus: corrections_total{action=step} counts the log's steps" wait_until 2 \
    grep -qx "guestclock_rtc_resync_corrections_total{action=\"step\"} $steps_logged" $prom
grep -E '^guestclock_rtc_resync_(offset|last_correction|corrections)' $prom |
    while IFS= read -r l; do diag "$l"; done

# The daemon's own steps echo back as clock-set events; they must not be taken for someone
# else's.
check "our own steps are not mistaken for someone else's" \
    sh -c '! grep -q "set by someone else" daemon.log'

# Someone sets the clock 1 s off: below the whole-second check's 2 s, but the clock-set event
# (TFD_TIMER_CANCEL_ON_SET) alone makes the daemon measure and put it back.
actions_before=$(grep -c "ACTION=" daemon.log)
date -s "@$(($(date +%s) + 1))" >/dev/null
check "a clock set by someone else is noticed at once" \
    wait_until 5 grep -q "set by someone else" daemon.log
wait_until 15 sh -c "[ \$(grep -c ACTION= daemon.log) -ge $((actions_before + 2)) ]"
after=$(independent_offset_ns)
# 5 ms, not 2: with two TCG guests sharing the 2 cores a fresh-clone run measured 2.45 ms here
# (polled edges widen under load); sub-millisecond figures belong to bench/, not to this tier.
check_range "independent |offset| after the daemon undid date -s (ms)" "$(abs_ms "$after")" 0 5

# One rtc_resync corrects at a time: a second daemon and a correcting once refuse at once
# (exit 4), name the holder and change nothing; a dry run only measures, so it runs beside it.
second=$(timeout 10 rtc_resync daemon 2>&1)
rc=$?
diag "second daemon: $second"
check "a second daemon beside the first exits 4" test "$rc" = 4
check "a second daemon names the first one's pid" sh -c "echo '$second' | grep -q 'pid $daemon'"
check "a second daemon changes nothing: one line, no measurement" \
    sh -c "[ \$(echo '$second' | wc -l) = 1 ] && ! echo '$second' | grep -q ACTION="
out=$(timeout 10 rtc_resync once 2>&1)
rc=$?
check "once beside the daemon exits 4 and names its pid" \
    sh -c "[ $rc = 4 ] && echo '$out' | grep -q 'pid $daemon'"
rtc_resync once --dry-run >/dev/null 2>&1
check "once --dry-run beside the daemon measures (exit 0)" test "$?" = 0
check "the first daemon runs on" kill -0 "$daemon"

# SIGHUP rereads the configuration; SIGTERM ends the daemon cleanly (exit 0).
kill -HUP "$daemon"
check "SIGHUP reloads the configuration" wait_until 5 grep -q "configuration reloaded" daemon.log
kill -TERM "$daemon"
wait "$daemon"
rc=$?
check "SIGTERM ends the daemon with exit status 0" test "$rc" = 0
rtc_resync once >/dev/null 2>&1
check "once corrects again once the daemon has ended (the lock went with it)" test "$?" = 0
