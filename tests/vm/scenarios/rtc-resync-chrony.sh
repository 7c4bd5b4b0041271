#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 300
# Coexistence: chronyd (Debian's rtcsync, so the kernel marks the clock synchronised) locked to
# the ptp_kvm stand-in. The daemon must stand down (no slewing by us). With Debian's makestep
# 1 3 chronyd leaves a 10 s pause to slewing: the daemon steps it once chronyd's grace (2 s) is
# over, within 5 s of the resume (1 s check + 2 s grace + 1 s check + one polled edge). With our
# drop-in chronyd steps the pause itself within the grace, and the daemon must not step too.

load_standin || not_ok "stand-in loaded"
cat >chrony.conf <<CONF
refclock PHC /dev/ptp_kvm poll 2
makestep 1 3
rtcsync
driftfile $WORKDIR/chrony.drift
CONF
chronyd -d -u root -f "$WORKDIR/chrony.conf" >chronyd.log 2>&1 &
synced() { chronyc -n tracking | grep -q "Leap status *: Normal" && chronyc -n sources | grep -q "^#\* PHC0"; }
if ! wait_until 120 synced; then
    not_ok "chronyd synchronised to the stand-in"
    chronyc -n sources
fi

out=$(rtc_resync once --dry-run --json 2>&1)
check "once beside synchronised chronyd stands down" \
    sh -c "echo '$out' | grep -q '\"action\": \"stand_down\"'"

rtc_resync daemon >daemon.log 2>&1 &
daemon=$!
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "the daemon stands down beside chronyd" grep -q "ACTION=stand_down" daemon.log
grep "ACTION=" daemon.log | head -n 1 | while IFS= read -r l; do diag "$l"; done

pause_vm 10 || not_ok "host paused the VM"
resumed=$(cut -d' ' -f1 /proc/uptime)
if wait_until 10 grep -q "ACTION=step" daemon.log; then
    took=$(awk -v a="$(cut -d' ' -f1 /proc/uptime)" -v b="$resumed" 'BEGIN { printf "%.2f", a - b }')
    check_range "the daemon still steps after a pause beside chronyd, within 5 s (s)" "$took" 0 5
else
    not_ok "the daemon steps after a pause beside chronyd"
fi
grep "ACTION=step" daemon.log | head -n 1 | while IFS= read -r l; do diag "$l"; done
sleep 2
check "the daemon never slewed beside chronyd" sh -c '! grep -q "ACTION=slew" daemon.log'
after=$(independent_offset_ns)
diag "system minus RTC 2 s after the step: ${after:-no reading} ns"
check_range "independent |offset| 2 s after the step beside chronyd (ms)" "$(abs_ms "$after")" 0 2
check "the daemon first left the jump to chronyd" grep -q "leaving it 2.0 s to correct" daemon.log

# chronyd SIGKILLed: the kernel still says synchronised, but no time daemon runs, so the
# daemon is on its own again: it keeps running and steps a pause at once, leaving no grace.
kill -KILL "$(pidof chronyd)" && wait_until 10 sh -c '! pidof chronyd >/dev/null'
lines=$(wc -l <daemon.log)
since_kill() { tail -n +$((lines + 1)) daemon.log; }
pause_vm 3 || not_ok "host paused the VM"
wait_until 10 sh -c "tail -n +$((lines + 1)) daemon.log | grep -q ACTION=step"
since_kill | grep "ACTION=" | while IFS= read -r l; do diag "after the kill: $l"; done
check "chronyd SIGKILLed: the daemon keeps running" kill -0 "$daemon"
check "chronyd SIGKILLed: the daemon steps a pause itself, no longer leaving chronyd a grace" \
    sh -c "tail -n +$((lines + 1)) daemon.log | grep ACTION=step | grep -q 'at or above the step threshold' &&
        ! tail -n +$((lines + 1)) daemon.log | grep -q 'leaving it'"

# With our drop-in chronyd (started again) corrects a pause itself, within the daemon's grace.
mkdir -p conf.d
printf 'confdir %s/conf.d\nrtcsync\ndriftfile %s/chrony.drift\n' "$WORKDIR" "$WORKDIR" >dropin.conf
ptp_kvm_helper chrony --write --config "$WORKDIR/dropin.conf" || not_ok "chrony --write"
chronyd -d -u root -f "$WORKDIR/dropin.conf" >chronyd-dropin.log 2>&1 &
wait_until 60 synced || not_ok "chronyd with our drop-in synchronised"
sleep 10
steps_before=$(grep -c "ACTION=step" daemon.log)
restarted=$(wc -l <daemon.log)
pause_vm 10 || not_ok "host paused the VM"
phc_ms() { abs_ms "$(kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm precise)")"; }
phc_within_10ms() { awk -v v="$(phc_ms)" 'BEGIN { exit !(v != "" && v < 10) }'; }
wait_until 4 phc_within_10ms
check_range "with our drop-in chronyd corrects the pause (|PHC - system| ms, 4 s after)" "$(phc_ms)" 0 10
sleep 4
check "the daemon left that pause to chronyd: no step of its own" \
    test "$(grep -c "ACTION=step" daemon.log)" = "$steps_before"
check "chronyd started again: the daemon leaves a pause to it once more" \
    sh -c "tail -n +$((restarted + 1)) daemon.log | grep -q 'leaving it 2.0 s to correct'"
kill -TERM "$daemon"
