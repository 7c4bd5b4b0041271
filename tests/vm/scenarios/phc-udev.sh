#!/bin/sh
# vm-kernel: 6.1
# vm-kind: harness
# udev in the guest sees the ptp_kvm stand-in: Debian's rule (50-udev-default.rules) makes
# /dev/ptp_kvm for the PHC named "KVM virtual PTP"; the e1000e's PHC is there too, named
# otherwise, and /dev/ptp_kvm never points at it.

# The e1000e PHC comes from coldplug (udev loads e1000e by modalias).
e1000e_phc=
for d in /sys/class/ptp/ptp*; do
    [ -e "$d" ] || continue
    case $(cat "$d/clock_name") in KVM*) ;; *) e1000e_phc=$d ;; esac
done
check "e1000e loaded by udev coldplug" test -d /sys/module/e1000e
if [ -n "$e1000e_phc" ]; then
    ok "decoy PHC $(basename "$e1000e_phc") present, clock_name '$(cat "$e1000e_phc/clock_name")'"
else
    not_ok "decoy PHC from the e1000e present"
    ls -l /sys/class/ptp/
fi

check "modprobe ptp_kvm loads the stand-in and udev makes /dev/ptp_kvm" load_standin
check "the module loaded is the stand-in from updates/" \
    sh -c 'modinfo -n ptp_kvm | grep -q /updates/ptp_kvm.ko'
kvm_phc=$(basename "$(readlink -f /dev/ptp_kvm)")
check "/dev/ptp_kvm -> $kvm_phc, clock_name 'KVM virtual PTP'" \
    test "$(cat /sys/class/ptp/$kvm_phc/clock_name)" = "KVM virtual PTP"
check "udev database knows the symlink" sh -c "udevadm info /dev/$kvm_phc | grep -q 'S: ptp_kvm'"
check "/dev/ptp_kvm is not the e1000e's PHC" test "/sys/class/ptp/$kvm_phc" != "$e1000e_phc"
check "the stand-in's PHC reads the guest clock (|PHC - realtime| < 1 ms)" \
    sh -c 'o=$(vmprobe phc-offset /dev/ptp_kvm precise) && echo "$o" &&
           o=${o#offset_ns=}; o=${o%% *}; [ ${o#-} -lt 1000000 ]'
