#!/bin/sh
# vm-kernel: 7
# vm-timeout: 240
# Without a vmclock device nothing changes: the daemon says nothing of vmclock, and a revert
# below its jump threshold (60 s here, as in rtc-resync-revert-below-threshold) is left to the
# periodic measurement (every 20 s here), which steps it then.

uptime_frac() { cut -d' ' -f1 /proc/uptime; }
cat >rtc_resync.conf <<CONF
jump_threshold = 60
interval = 20
CONF
rtc_resync --config "$WORKDIR/rtc_resync.conf" daemon >daemon.log 2>&1 &
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "no vmclock device, no word of one" sh -c '! grep -qi vmclock daemon.log'
steps_before=$(grep -c "ACTION=step" daemon.log)

if ! snapshot_save no-vmclock; then
    not_ok "snapshot_save no-vmclock"
    exit 0
fi
if [ "$SNAPSHOT" = saved ]; then
    snapshot_revert no-vmclock 0
    not_ok "snapshot_revert returned: the VM was not reverted"
    exit 0
fi
restored=$(uptime_frac)
diag "the revert cost the guest $(ns_to_s "$SNAPSHOT_LOST_NS") s"
sleep 4
check "4 s after cont nothing has stepped yet (no page to tell)" \
    sh -c "[ \$(grep -c ACTION=step daemon.log) -eq $steps_before ]"
if wait_until 30 sh -c "[ \$(grep -c ACTION=step daemon.log) -gt $steps_before ]"; then
    took=$(awk -v a="$(uptime_frac)" -v b="$restored" 'BEGIN { printf "%.2f", a - b }')
    diag "the periodic measurement stepped it $took s after cont"
    check_range "the periodic measurement steps it within its interval (s)" "$took" 2 25
else
    not_ok "the periodic measurement stepped the revert"
fi
