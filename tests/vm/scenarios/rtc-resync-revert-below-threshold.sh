#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-timeout: 240
# A revert the whole-second check cannot see, corrected all the same. Under TCG a snapshot's
# save and load alone cost the guest seconds, so no revert here is shorter than one; instead the
# daemon is told that only jumps of 60 s count (jump_threshold), which makes this revert as
# invisible to its whole-second check as a sub-second one is by default. The vmclock page's
# marker still tells: the daemon measures and steps within 2 s of cont, where without the page
# (rtc-resync-revert-no-vmclock) it waits for its periodic measurement.

uptime_frac() { cut -d' ' -f1 /proc/uptime; }
cat >rtc_resync.conf <<CONF
jump_threshold = 60
interval = 60
CONF
rtc_resync --config "$WORKDIR/rtc_resync.conf" daemon >daemon.log 2>&1 &
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
steps_before=$(grep -c "ACTION=step" daemon.log)
actions_before=$(grep -c "ACTION=" daemon.log)

if ! snapshot_save below-threshold; then
    not_ok "snapshot_save below-threshold"
    exit 0
fi
if [ "$SNAPSHOT" = saved ]; then
    snapshot_revert below-threshold 0
    not_ok "snapshot_revert returned: the VM was not reverted"
    exit 0
fi
restored=$(uptime_frac)
lost=$(ns_to_s "$SNAPSHOT_LOST_NS")
diag "the revert cost the guest $lost s (below the 60 s jump threshold)"
check_range "the revert is below the jump threshold (s)" "$lost" 0 59
if wait_until 10 sh -c "[ \$(grep -c ACTION=step daemon.log) -gt $steps_before ]"; then
    took=$(awk -v a="$(uptime_frac)" -v b="$restored" 'BEGIN { printf "%.2f", a - b }')
    check_range "the daemon stepped within 2 s of cont (s)" "$took" 0 2
else
    not_ok "the daemon stepped after the revert"
fi
check "no whole-second jump was seen: the page alone set it off" \
    sh -c '! grep -q "disagree by seconds" daemon.log'
# The quick step comes from one polled edge; the full measurement that follows refines it.
wait_until 10 sh -c "[ \$(grep -c ACTION= daemon.log) -ge $((actions_before + 2)) ]"
after=$(independent_offset_ns)
check_range "independent |offset| after the daemon's correction (ms)" "$(abs_ms "$after")" 0 5
