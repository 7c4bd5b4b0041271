#!/bin/sh
# vm-timeout: 240
# Coexistence: chronyd (Debian's rtcsync, so the kernel marks the clock synchronised) locked to
# the ptp_kvm stand-in. The daemon must stand down (no slewing by us), yet still step after a
# 10 s pause, within 3 s of the resume.

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
    check_range "the daemon still steps after a pause beside chronyd, within 3 s (s)" "$took" 0 3
else
    not_ok "the daemon steps after a pause beside chronyd"
fi
grep "ACTION=step" daemon.log | head -n 1 | while IFS= read -r l; do diag "$l"; done
sleep 2
check "the daemon never slewed beside chronyd" sh -c '! grep -q "ACTION=slew" daemon.log'
after=$(independent_offset_ns)
diag "system minus RTC 2 s after the step: ${after:-no reading} ns"
check_range "independent |offset| 2 s after the step beside chronyd (ms)" "$(abs_ms "$after")" 0 2
kill -TERM "$daemon"
