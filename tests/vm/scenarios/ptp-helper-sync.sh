#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 300
# `ptp_kvm_helper sync` (issue 5): stand-in 20 ms ahead and 50 ppm fast. One step, then it
# converges; RMS of the independently measured offset over 60 s; fail=1 holds the frequency
# and recovers; module removed and re-added: it follows the new device; --once steps. Its
# --prometheus textfile parses, follows the updates and shows locked, holdover and waiting.

ptp_kvm_helper load --force || not_ok "load --force"
standin_set freq_ppb 50000
standin_set offset_ns 20000000
mkdir textfiles
prom=textfiles/guestclock-ptp-kvm-sync.prom
ptp_kvm_helper sync -v --prometheus $prom >sync.log 2>&1 &
pid=$!
in_state() { grep -qx "guestclock_ptp_kvm_sync_state{state=\"$1\"} 1" $prom; }

phc_offset() { kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm precise)"; }
abs_below() { o=$(phc_offset) && [ -n "$o" ] && [ "${o#-}" -lt "$1" ]; }

t0=$(date +%s)
if wait_until 60 abs_below 1000; then
    ok "sync brings |PHC - system| under 1 us within 60 s ($(($(date +%s) - t0)) s)"
else
    not_ok "sync brings |PHC - system| under 1 us within 60 s (last: $(phc_offset) ns)"
fi
steps=$(grep -c 'stepped the clock' sync.log)
check "exactly one step ($steps)" test "$steps" = 1

check "--prometheus: the textfile parses (HELP, TYPE, samples under their TYPE)" prom_valid $prom
check "--prometheus: it declares the offset gauge" \
    grep -qx "# TYPE guestclock_ptp_kvm_sync_offset_seconds gauge" $prom
check "--prometheus: state locked" in_state locked
check "--prometheus: steps_total 1, as the log" grep -qx "guestclock_ptp_kvm_sync_steps_total 1" $prom
# The one step removed the stand-in's 20 ms lead: the system clock was behind, so forward.
check_range "--prometheus: last step (s)" \
    "$(prom_value $prom guestclock_ptp_kvm_sync_last_step_seconds)" 0.019 0.021
# The gauge is each reading before its correction: the step's -20 ms until the next update.
offset_gauge() { prom_value $prom guestclock_ptp_kvm_sync_offset_seconds; }
small() { awk -v o="$(offset_gauge)" 'BEGIN { exit !(o > -0.00001 && o < 0.00001) }'; }
wait_until 12 small
check_range "--prometheus: offset gauge once converged (s)" "$(offset_gauge)" -0.00001 0.00001
frequency=$(prom_value $prom guestclock_ptp_kvm_sync_frequency_ppm)
diag "--prometheus: frequency ${frequency} ppm for the stand-in's 50 ppm"
check_range "--prometheus: frequency follows the stand-in's +50 ppm (ppm)" "$frequency" 45 55
read_since() {
    awk -v a="$(prom_value $prom guestclock_ptp_kvm_sync_last_measurement_timestamp_seconds)" \
        -v b="$1" 'BEGIN { exit !(a > b) }'
}
check "--prometheus: rewritten with later readings (at least every 10 s)" \
    wait_until 12 read_since "$(prom_value $prom guestclock_ptp_kvm_sync_last_measurement_timestamp_seconds)"

# RMS over 60 s, one independent measurement per second.
: >offsets
for i in $(seq 60); do phc_offset >>offsets; sleep 1; done
# busybox awk has no sqrt: Newton's method on the mean square.
rms=$(awk '{ s += $1 * $1; n++ }
    END { if (!n) exit; m = s / n; r = m > 1 ? m : 1; for (i = 0; i < 60; i++) r = (r + m / r) / 2
          printf "%.1f", m == 0 ? 0 : r }' offsets)
max=$(awk '{ a = $1 < 0 ? -$1 : $1; if (a > m) m = a } END { print m + 0 }' offsets)
diag "sync: RMS offset over 60 s ${rms} ns, max ${max} ns (TCG)"
check_range "sync: RMS offset over 60 s (ns)" "$rms" 0 1000

# fail=1: logs, holds the frequency, changes nothing; fail=0: recovers.
standin_set fail 1
sleep 5
check "fail=1: the failure is logged" grep -q 'PHC read failed; holding the frequency' sync.log
check "fail=1: sync keeps running" kill -0 $pid
check "fail=1: --prometheus says holdover" in_state holdover
standin_set fail 0
if wait_until 10 grep -q 'answers again' sync.log; then ok "fail=0: sync recovers"; else not_ok "fail=0: sync recovers"; fi
check "fail=0: --prometheus says locked again" wait_until 3 in_state locked
check "fail: no step while failing" test "$(grep -c 'stepped the clock' sync.log)" = 1

# The module goes away and comes back (a new device, its host clock 5 ms ahead this time).
rmmod ptp_kvm
sleep 2
check "device removal is noticed" grep -q 'was removed' sync.log
check "device removed: --prometheus says waiting_for_phc" wait_until 3 in_state waiting_for_phc
modprobe ptp_kvm offset_ns=5000000
udevadm settle
if wait_until 30 abs_below 10000; then
    ok "sync resumes on the re-added device (|offset| < 10 us)"
else
    not_ok "sync resumes on the re-added device (last: $(phc_offset) ns)"
fi
check "it opened the device again" test "$(grep -c 'following' sync.log)" -ge 2
check "re-added: --prometheus says locked again" wait_until 5 in_state locked
kill $pid
wait $pid
tail -n 30 sync.log

# --once: one correction and out; 50 ms is stepped (beyond the 1 ms threshold).
standin_set offset_ns $(($(standin_get offset_ns) + 50000000))
check "sync --once exits 0" ptp_kvm_helper sync --once
check "sync --once stepped the 50 ms away (|offset| < 1 ms)" abs_below 1000000

# SIGKILL while following and in holdover, found from the textfile's state. SIGKILL runs no
# cleanup and sync has none to run: on SIGTERM too it leaves the kernel the frequency in force
# (the next time daemon starts from it), steps are whole when their call returns, and the
# textfile is replaced by rename. So after each kill: no temporary, the textfile parses, the
# kernel keeps the frequency the textfile last reported, the clock is not left stepped, and a
# sync started again follows.
standin_set freq_ppb 50000
kernel_ppm() { adjtimex | awk '/freq.adjust/ { printf "%.3f", $3 / 65536 }'; }
killed_sync() {
    kill -KILL $pid
    wait $pid 2>/dev/null
    reported=$(prom_value $prom guestclock_ptp_kvm_sync_frequency_ppm)
    diag "$1: killed; textfiles/: $(ls textfiles | tr '\n' ' '); kernel $(kernel_ppm) ppm, reported $reported ppm"
    check "$1: SIGKILL leaves no temporary file" sh -c '! ls textfiles | grep -q "\.[0-9a-f]\{16\}$"'
    check "$1: the textfile parses" prom_valid $prom
    check "$1: the kernel keeps the frequency last reported (within 0.5 ppm)" \
        awk -v k="$(kernel_ppm)" -v r="$reported" 'BEGIN { d = k - r; exit !(r != "" && d < 0.5 && d > -0.5) }'
}
rm -f $prom # the state waited for must be this run's
ptp_kvm_helper sync -v --prometheus $prom >sync-following.log 2>&1 &
pid=$!
wait_until 30 in_state locked || not_ok "sync locked before the kill while following"
killed_sync "following"
check "following: the clock is not left stepped (|PHC - system| < 1 ms)" abs_below 1000000

rm -f $prom
ptp_kvm_helper sync -v --prometheus $prom >sync-holdover.log 2>&1 &
pid=$!
wait_until 30 in_state locked || not_ok "sync locked again after SIGKILL"
standin_set fail 1
wait_until 10 in_state holdover || not_ok "sync in holdover before the kill"
killed_sync "holdover"
standin_set fail 0
check "holdover: the clock is not left stepped (|PHC - system| < 1 ms)" abs_below 1000000

# Waiting for its PHC (a device that is not there): it holds none and writes only its textfile.
rm -f $prom
ptp_kvm_helper sync -v --device /dev/ptp_not_there --prometheus $prom >sync-waiting.log 2>&1 &
pid=$!
wait_until 10 in_state waiting_for_phc || not_ok "sync waiting for its PHC before the kill"
killed_sync "waiting"

rm -f $prom
ptp_kvm_helper sync -v --prometheus $prom >sync-again.log 2>&1 &
pid=$!
check "restarted after SIGKILL: sync follows and locks" wait_until 30 in_state locked
check "restarted after SIGKILL: |PHC - system| under 10 us" wait_until 30 abs_below 10000
kill -TERM $pid
wait $pid
check "restarted after SIGKILL: SIGTERM ends it with 0" test "$?" = 0
