#!/bin/sh
# vm-kernel: 6.1
# vm-kind: harness
# The stand-in's fault knobs behave like the failures issue 5 must handle: fail=1 makes every
# PHC reading fail with EIO (and fail=0 heals it); crosststamp_err makes only
# PTP_SYS_OFFSET_PRECISE fail; operations the real driver lacks are refused; refuse=1 is
# a host that refuses clock pairing, so the module does not load.

load_standin || not_ok "stand-in loaded"
check "PHC reads work with fail=0" vmprobe phc-get /dev/ptp_kvm
standin_set fail 1
out=$(vmprobe phc-get /dev/ptp_kvm)
check "fail=1: clock_gettime on the PHC fails with EIO ($out)" test "$(kv errno "$out")" = 5
out=$(vmprobe phc-offset /dev/ptp_kvm precise)
check "fail=1: PTP_SYS_OFFSET_PRECISE fails with EIO ($out)" test "$(kv errno "$out")" = 5
out=$(vmprobe phc-offset /dev/ptp_kvm basic)
check "fail=1: PTP_SYS_OFFSET fails with EIO ($out)" test "$(kv errno "$out")" = 5
# phc_ctl validates a clock by reading it, so it cannot even open the failing PHC.
check "fail=1: phc_ctl get fails" sh -c '! phc_ctl "$(readlink -f /dev/ptp_kvm)" get'
standin_set fail 0
check "fail=0: reads work again" vmprobe phc-get /dev/ptp_kvm

standin_set crosststamp_err 19
out=$(vmprobe phc-offset /dev/ptp_kvm precise)
check "crosststamp_err=19: PTP_SYS_OFFSET_PRECISE fails with ENODEV ($out)" \
    test "$(kv errno "$out")" = 19
check "crosststamp_err=19: basic PTP_SYS_OFFSET still works" vmprobe phc-offset /dev/ptp_kvm basic
standin_set crosststamp_err 0

# phc_ctl wants the /dev/ptpN name (it parses the index from it), not the udev symlink.
dev=$(readlink -f /dev/ptp_kvm)
for op in "set 0" "adj 0.001" "freq 100"; do
    out=$(phc_ctl "$dev" $op 2>&1)
    case $out in
        # max_adj is 0 as in the real driver, so the PTP core refuses a frequency with ERANGE.
        *"Operation not supported"* | *"out of range"*)
            ok "phc_ctl $op is refused, as by the real driver (${out##*: })" ;;
        *) not_ok "phc_ctl $op is refused, as by the real driver" && diag "$out" ;;
    esac
done

rmmod ptp_kvm
out=$(modprobe ptp_kvm refuse=1 2>&1)
case $out in
    *"Operation not supported"*) ok "refuse=1: modprobe fails with EOPNOTSUPP ($out)" ;;
    *) not_ok "refuse=1: modprobe fails with EOPNOTSUPP ($out)" ;;
esac
check "refuse=1: no /dev/ptp_kvm" sh -c 'udevadm settle; ! test -e /dev/ptp_kvm'
