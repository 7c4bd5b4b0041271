#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 120
# clocksource_audit on a real kernel with real reference clocks: under TCG there is no
# kvm-clock (the no-kvmclock scenario), the ptp_kvm stand-in is the reference it must pick
# over the e1000e decoy, and its offsets and rates must match what the stand-in was told.

audit() { clocksource_audit -q "$@"; }
metric() { sed -n "s/^$1{.*} //p" "$2" | head -n 1; }

audit --no-measure --json >inventory.json
check "the inventory finds rtc_cmos" grep -q '"name": "rtc_cmos' inventory.json
check "without kvm-clock the guest is in the no-kvmclock scenario" grep -q '"scenario": "no-kvmclock"' inventory.json
check "--expect no-kvmclock holds (exit 0)" audit --no-measure --expect no-kvmclock
audit --no-measure --expect kvmclock >/dev/null; rc=$?
check "--expect kvmclock fails as a gate (exit 1, got $rc)" test $rc = 1

# The RTC as the reference (no PHC yet). The runner stepped the clock onto an RTC edge.
audit --duration 3 --reference /dev/rtc0 --prometheus rtc.prom --json >rtc.json
diag "$(grep -E '"(method|offset_ns|uncertainty_ns)"' rtc.json | tr -s ' \n' ' ')"
check "the RTC reference is read from its second edges" grep -q '"method": "\(uie\|poll\)"' rtc.json
check_range "offset against the RTC after a step onto it (ms)" \
    "$(awk -v s="$(metric guestclock_audit_reference_offset_seconds rtc.prom)" 'BEGIN { printf "%.3f", s * 1000 }')" -20 20

# The stand-in PHC: picked automatically over the e1000e's, offset and rate as injected.
load_standin offset_ns=-5000000 freq_ppb=50000 || not_ok "stand-in loaded"
audit --duration 3 --prometheus phc.prom --json >phc.json
diag "$(grep -E '"(device|method|offset_ns|rate_ppm)"' phc.json | tr -s ' \n' ' ')"
check "auto reference is /dev/ptp_kvm, never the e1000e PHC" grep -q '"device": "/dev/ptp_kvm"' phc.json
# The stand-in's clock is 5 ms behind: the system clock is 5 ms ahead of it.
check_range "offset against the stand-in (ms, injected +5)" \
    "$(awk -v s="$(metric guestclock_audit_reference_offset_seconds phc.prom)" 'BEGIN { printf "%.3f", s * 1000 }')" 4 6
# The stand-in runs 50 ppm fast against the guest's raw clock, so the clocksource runs
# 50 ppm slow against it.
check_range "rate against the stand-in (ppm, injected -50)" \
    "$(metric guestclock_audit_reference_rate_ppm phc.prom)" -52 -48

# A failing reference is reported, not acted on or crashed on.
standin_set fail 1
audit --duration 1 --json >fail.json; rc=$?
standin_set fail 0
check "a PHC failing with EIO is a reported problem, not a crash (exit $rc)" \
    sh -c "[ $rc -le 1 ] && grep -q 'reference_problem.*Input/output error' fail.json"
rmmod ptp_kvm
