#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 120
# ptp_kvm_helper load/list/select/offset against the stand-in and the e1000e decoy (issue 5):
# load goes through libkmod (modprobe's path), is idempotent, select never takes the NIC's PHC.

contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

# Under TCG the CPUID signature is not KVM's: load must say so and change nothing.
out=$(ptp_kvm_helper load 2>&1)
rc=$?
check "load on a non-KVM guest exits 1 ($rc)" test $rc = 1
check "load on a non-KVM guest says so" contains "$out" "not a KVM guest"
check "load on a non-KVM guest loaded nothing" sh -c '! test -d /sys/module/ptp_kvm'

out=$(ptp_kvm_helper load --force 2>&1)
rc=$?
diag "load --force: $out"
check "load --force exits 0 ($rc)" test $rc = 0
check "load --force loaded the stand-in from updates/" \
    sh -c 'modinfo -F filename ptp_kvm | grep -q updates/'
check "load returns with /dev/ptp_kvm already in place" test -e /dev/ptp_kvm
out=$(ptp_kvm_helper load --force 2>&1)
rc=$?
check "a second load is a no-op that exits 0 ($rc)" test $rc = 0
check "a second load says it was already loaded" contains "$out" "already loaded"

sel=$(ptp_kvm_helper select)
check "select prints /dev/ptp_kvm ($sel)" test "$sel" = /dev/ptp_kvm
decoy=$(for d in /sys/class/ptp/ptp*; do
    [ "$(cat "$d/clock_name")" = "KVM virtual PTP" ] || echo "/dev/${d##*/}"
done | head -n 1)
check "select never picks the e1000e PHC ($decoy)" test "$(readlink -f "$sel")" != "$decoy"
sel=$(ptp_kvm_helper select --allow-nic)
check "select --allow-nic still prefers the stand-in ($sel)" test "$sel" = /dev/ptp_kvm

json=$(ptp_kvm_helper list --json)
echo "$json"
check "list --json shows the stand-in's clock_name" contains "$json" '"clock_name": "KVM virtual PTP"'
check "list --json: one PHC of kind kvm" test "$(echo "$json" | grep -c '"kind": "kvm"')" = 1
check "list --json: one PHC of kind nic" test "$(echo "$json" | grep -c '"kind": "nic"')" = 1
check "list --json: only the kvm PHC has no network interface" \
    test "$(echo "$json" | grep -c '"network_interfaces": \[\]')" = 1
check "list --json marks exactly one selected" test "$(echo "$json" | grep -c '"selected": true')" = 1

out=$(ptp_kvm_helper offset --json --count 20)
echo "$out"
method=$(echo "$out" | sed -n 's/.*"method": "\([a-z]*\)".*/\1/p')
offset=$(echo "$out" | sed -n 's/.*"system_minus_phc_ns": \(-*[0-9]*\).*/\1/p')
deprecated=$(echo "$out" | sed -n 's/.*"offset_ns": \(-*[0-9]*\).*/\1/p')
check "offset --json names a method ($method)" test -n "$method"
check "offset --json: the deprecated offset_ns is PHC - system, system_minus_phc_ns negated" \
    test -n "$offset" -a "${deprecated:-x}" = "$((-${offset:-0}))"
check_range "offset --json: |realtime - PHC| of a fresh stand-in (us)" \
    "$(awk -v n="$offset" 'BEGIN { printf "%.3f", (n < 0 ? -n : n) / 1e3 }')" 0 1000
standin_set crosststamp_err 19
out=$(ptp_kvm_helper offset --json)
check "with PRECISE failing (ENODEV) offset falls back to basic" \
    contains "$out" "\"method\": \"basic\""
standin_set crosststamp_err 0

rmmod ptp_kvm
udevadm settle
ptp_kvm_helper select >/dev/null 2>&1
rc=$?
check "select without a paravirtual PHC exits 1 ($rc)" test $rc = 1

# select --wait: waits through udev for a clock that appears later.
ptp_kvm_helper select --wait 20 >waited.txt 2>&1 &
waiter=$!
sleep 1
ptp_kvm_helper load --force >/dev/null 2>&1
wait $waiter
rc=$?
check "select --wait sees the clock that appears while it waits ($rc: $(cat waited.txt))" \
    test "$rc:$(cat waited.txt)" = "0:/dev/ptp_kvm"
