#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-net: ntp
# vm-timeout: 300
# Seed 003's revert beside chronyd, without the manual `chronyc makestep`: chronyd (Debian's
# makestep 1 3 and rtcsync) is synchronised to an NTP server on the host, rtc_resync's daemon
# stands down beside it. After a snapshot revert the daemon sees the vmclock marker change and
# asks chronyd (a burst of measurements, then makestep once chronyd has updated): chronyd
# steps the clock within 2 s of cont, and the daemon does not step it too.

uptime_frac() { cut -d' ' -f1 /proc/uptime; }
cat >chrony.conf <<CONF
server $NTP_SERVER iburst minpoll -2 maxpoll 0
makestep 1 3
rtcsync
driftfile $WORKDIR/chrony.drift
CONF
chronyd -d -u root -f "$WORKDIR/chrony.conf" >chronyd.log 2>&1 &
synced() { chronyc -n tracking | grep -q "Leap status *: Normal" && chronyc -n sources | grep -q '^\^\*'; }
if ! wait_until 60 synced; then
    not_ok "chronyd synchronised to the host's NTP server"
    chronyc -n sources
fi
# Past makestep's first three updates: from here on chronyd only slews by itself. And done
# slewing away its first offset (at up to 83 ms/s, which makes RTC edges disagree): the
# daemon would refuse to measure meanwhile, rightly.
settled() { chronyc -n -c tracking | awk -F, '{ exit !($5 < 0.001 && $5 > -0.001) }'; }
wait_until 60 settled || not_ok "chronyd settled (system time within 1 ms)"

rtc_resync daemon >daemon.log 2>&1 &
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"
check "the daemon stands down beside chronyd" grep -q "ACTION=stand_down" daemon.log
grep "ACTION=" daemon.log | head -n 1 | while IFS= read -r l; do diag "$l"; done
steps_before=$(grep -c "ACTION=step" daemon.log)
chrony_steps_before=$(grep -c "stepped" chronyd.log)

offset_before=$(host_offset_ns)
if ! snapshot_save chrony-revert; then
    not_ok "snapshot_save chrony-revert"
    exit 0
fi
if [ "$SNAPSHOT" = saved ]; then
    snapshot_revert chrony-revert 3
    not_ok "snapshot_revert returned: the VM was not reverted"
    exit 0
fi
restored=$(uptime_frac)
diag "the revert cost the guest $(ns_to_s "$SNAPSHOT_LOST_NS") s"
check "the daemon asks chronyd to measure and step" \
    wait_until 5 grep -q "asked chronyd to measure again" daemon.log
if wait_until 10 sh -c "[ \$(grep -c stepped chronyd.log) -gt $chrony_steps_before ]"; then
    took=$(awk -v a="$(uptime_frac)" -v b="$restored" 'BEGIN { printf "%.2f", a - b }')
    check_range "chronyd stepped the clock within 2 s of cont (s)" "$took" 0 2
    tail -n 6 chronyd.log | while IFS= read -r l; do diag "chronyd: $l"; done
    grep -A3 "asked chronyd" daemon.log | while IFS= read -r l; do diag "daemon: $l"; done
else
    not_ok "chronyd stepped the clock after the revert"
fi
check "chronyd's step was the one we asked for" \
    wait_until 5 grep -q "stepped the clock by .* at our request" daemon.log
# A sample taken across the revert may show chronyd only part of the jump, or more: the daemon
# asks for a step at each of chronyd's updates until one finds the clock right.
check "chronyd has the clock right again soon after" \
    wait_until 10 grep -q "chronyd has the clock right again" daemon.log
grep "at our request\|right again" daemon.log | while IFS= read -r l; do diag "$l"; done
# A sample straddling the revert can leave chronyd's first estimates up to a tenth of a second
# short (seen once in ten runs: steps of 0.41 s, then 3.72 s, 108 ms left); its own slewing
# takes that out within seconds at this poll. What a user needs is the clock near the host's
# soon, so the check waits for it rather than reading one instant.
moved_ms() { _o=$(host_offset_ns) && abs_ms $((_o - offset_before)); }
near_host() { awk -v m="$(moved_ms)" 'BEGIN { exit !(m != "" && m < 50) }'; }
settle_start=$(uptime_frac)
wait_until 15 near_host
offset=$(host_offset_ns)
diag "host - guest: $(ns_to_s "$offset_before") s before the revert, $(ns_to_s "$offset") s after"
diag "within 50 ms of the host's time $(awk -v a="$(uptime_frac)" -v b="$settle_start" 'BEGIN { printf "%.2f", a - b }') s after chronyd said it was right"
check_range "|host - guest| moved by the revert and chronyd's steps together (ms)" \
    "$(abs_ms $((offset - offset_before)))" 0 50
sleep 3
if [ "$(grep -c ACTION=step daemon.log)" -eq "$steps_before" ]; then
    ok "the daemon left the step to chronyd"
else
    not_ok "the daemon left the step to chronyd"
    tail -n 12 chronyd.log | while IFS= read -r l; do diag "chronyd: $l"; done
    tail -n 8 daemon.log | while IFS= read -r l; do diag "daemon: $l"; done
fi
