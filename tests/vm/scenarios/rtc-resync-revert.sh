#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-timeout: 240
# Seed 003's revert, fixed: rtc_resync's daemon runs, the host saves the VM, lets 3 s pass and
# loads the snapshot back. The guest's clock is rolled back with it (by the 3 s and the time
# savevm and loadvm took), the vmclock page's disruption_marker changes, and the daemon reads
# that at its next check: it says so, forgets its learnt frequency, and steps the clock back onto
# the RTC within 2 s of cont. Its textfile counts the disruption.

# Fractions of a second since boot; the guest's monotonic clock resumes with cont.
uptime_frac() { cut -d' ' -f1 /proc/uptime; }

mkdir textfiles
prom=textfiles/guestclock-rtc-resync.prom
rtc_resync daemon --prometheus $prom >daemon.log 2>&1 &
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "the daemon watches the vmclock page" grep -q "watching /dev/vmclock0" daemon.log
# Written just after the measurement's log line, not before it: a moment to appear.
check "--prometheus: no disruption counted yet" \
    wait_until 2 grep -qx "guestclock_rtc_resync_disruptions_total 0" $prom
steps_before=$(grep -c "ACTION=step" daemon.log)

if ! snapshot_save before-revert; then
    not_ok "snapshot_save before-revert"
    exit 0
fi
if [ "$SNAPSHOT" = saved ]; then
    snapshot_revert before-revert 3
    not_ok "snapshot_revert returned: the VM was not reverted"
    exit 0
fi
restored=$(uptime_frac)
diag "the revert cost the guest $(ns_to_s "$SNAPSHOT_LOST_NS") s"
check "the daemon reports the disruption" \
    wait_until 5 grep -q "disruption_marker 1 -> 2" daemon.log
if wait_until 10 sh -c "[ \$(grep -c ACTION=step daemon.log) -gt $steps_before ]"; then
    took=$(awk -v a="$(uptime_frac)" -v b="$restored" 'BEGIN { printf "%.2f", a - b }')
    check_range "the daemon stepped within 2 s of cont (s)" "$took" 0 2
else
    not_ok "the daemon stepped after the revert"
fi
# Logged before the step: the disruption, not the whole-second check, led to it.
first=$(grep -n -m1 -E "disruption_marker|disagree by seconds" daemon.log | cut -d: -f2-)
check "the vmclock page, not the whole-second check, set the correction off" \
    sh -c "echo '$first' | grep -q disruption_marker"
wait_until 10 sh -c "[ \$(grep -c ACTION= daemon.log) -ge 3 ]"
after=$(independent_offset_ns)
check_range "independent |offset| after the daemon's correction (ms)" "$(abs_ms "$after")" 0 5
check "--prometheus: the disruption is counted" \
    wait_until 5 grep -qx "guestclock_rtc_resync_disruptions_total 1" $prom
check "--prometheus: and when it was seen" \
    grep -q "^guestclock_rtc_resync_last_disruption_timestamp_seconds " $prom
check "--prometheus: still valid text" prom_valid $prom
