#!/bin/sh
# vm-kernel: 7
# vm-kind: harness
# Harness self-check of snapshot_save/snapshot_revert, fork-like: the first return of
# snapshot_save says "saved"; after snapshot_revert (stop, 3 s, loadvm, cont) the guest is back
# inside snapshot_save, which returns a second time with "restored", and what was reported in
# between stays reported. The guest's clock, rolled back with the rest of the VM, then trails
# the RTC (host time) by what it lost. snapshot-revert-vmclock runs this with a vmclock device
# and checks its disruption marker too.

# disruption_marker: bytes 16..23 of the vmclock page (after magic, size, version, counter id,
# time type, flags, seq_count).
marker() { od -A n -t u8 -j 16 -N 8 /dev/vmclock0 | tr -d ' '; }
if [ "${EXPECT_VMCLOCK:-no}" = yes ]; then
    check "/dev/vmclock0 is there" test -c /dev/vmclock0
    marker_before=$(marker)
fi

offset_before=$(rtc_offset_ns)
if ! snapshot_save before-revert; then
    not_ok "snapshot_save before-revert"
    exit 0
fi
if [ "$SNAPSHOT" = saved ]; then
    ok "snapshot_save returns 'saved' the first time"
    snapshot_revert before-revert 3
    not_ok "snapshot_revert returned: the VM was not reverted"
    exit 0
fi
ok "snapshot_save returns 'restored' after snapshot_revert"
offset_after=$(rtc_offset_ns)
lost_s=$(ns_to_s "$SNAPSHOT_LOST_NS")
diag "the host says the guest lost $lost_s s (save to cont); cont at $SNAPSHOT_CONT_NS"
# savevm and loadvm take 1-4 s each under TCG on a busy host; the guest loses those too.
check_range "time lost by the revert: 3 s stopped plus the save and the load (s)" "$lost_s" 3 15
check_range "guest clock minus RTC moved by minus what it lost (s)" \
    "$(ns_to_s $((offset_after - offset_before + SNAPSHOT_LOST_NS)))" -0.5 0.5
since_cont=$(($(host_time_ns) - SNAPSHOT_CONT_NS))
check_range "SNAPSHOT_CONT_NS is the host's time of cont, a moment ago (s)" \
    "$(ns_to_s "$since_cont")" 0 10
if [ "${EXPECT_VMCLOCK:-no}" = yes ]; then
    marker_after=$(marker)
    if [ -n "$marker_before" ] && [ "$marker_after" != "$marker_before" ]; then
        ok "vmclock disruption_marker changed with the revert ($marker_before -> $marker_after)"
    else
        not_ok "vmclock disruption_marker changed with the revert ($marker_before -> $marker_after)"
    fi
fi
