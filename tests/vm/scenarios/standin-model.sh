#!/bin/sh
# vm-kernel: 6.1
# vm-kind: harness
# The ptp_kvm stand-in's host-clock model does what its knobs say, so that other scenarios can
# trust it: freq_ppb makes it run fast against the guest (and changing it does not make it
# jump), offset_ns moves it, jitter_ns adds bounded noise, reads counts readings.

phc_off() { kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm)"; }
us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e3 }'; }

load_standin freq_ppb=100000 || not_ok "stand-in loaded with freq_ppb=100000"
a=$(phc_off); ta=$(vmprobe now)
sleep 5
b=$(phc_off); tb=$(vmprobe now)
check_range "freq_ppb=100000: the host clock gains 100 ppm on the guest (ppm)" \
    "$(awk -v d=$((b - a)) -v t=$((tb - ta)) 'BEGIN { printf "%.2f", d / t * 1e6 }')" 98.5 101.5

standin_set freq_ppb 0
c=$(phc_off)
check_range "changing freq_ppb at run time does not step the host clock (us)" "$(us $((c - b)))" -100 100
sleep 2
d=$(phc_off)
check_range "freq_ppb=0: the host clock keeps the guest's rate (us over 2 s)" "$(us $((d - c)))" -20 20

standin_set offset_ns 1000000000
e=$(phc_off)
check_range "offset_ns=1e9 moves the host clock by 1 s (ms)" \
    "$(awk -v n=$((e - d)) 'BEGIN { printf "%.3f", n / 1e6 }')" 999.9 1000.1

standin_set offset_ns 0
standin_set jitter_ns 0
r0=$(standin_get reads)
s1=$(phc_off)
standin_set jitter_ns 50000
lo= hi=
for i in 1 2 3 4 5 6 7 8 9 10; do
    o=$(phc_off)
    [ -z "$lo" ] || [ "$o" -lt "$lo" ] && lo=$o
    [ -z "$hi" ] || [ "$o" -gt "$hi" ] && hi=$o
done
diag "jitter_ns=50000: PHC - system over 10 reads from $(us $((lo - s1))) to $(us $((hi - s1))) us"
check_range "jitter_ns=50000: readings spread (us)" "$(us $((hi - lo)))" 5 120
check_range "jitter_ns=50000: and stay within +-50 us (+ read noise) of the clock (us)" \
    "$(us $((hi - s1 > s1 - lo ? hi - s1 : s1 - lo)))" 0 70
check "reads counts the readings served ($r0 -> $(standin_get reads))" \
    test "$(standin_get reads)" -ge $((r0 + 11))
