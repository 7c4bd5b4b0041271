#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 90
# load's distinct failures (issue 5): a host that refuses clock pairing, a blacklist, a kernel
# without the module. Each is a clear message and exit status 3, and loads nothing.

contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

expect_failure() { # DESC PATTERN
    out=$(ptp_kvm_helper load --force --timeout 5 2>&1)
    rc=$?
    diag "$1: $out"
    check "$1: exit status 3 ($rc)" test $rc = 3
    check "$1: says '$2'" contains "$out" "$2"
    check "$1: no /dev/ptp_kvm" sh -c '! test -e /dev/ptp_kvm'
}

mkdir -p /etc/modprobe.d
echo "options ptp_kvm refuse=1" >/etc/modprobe.d/guestclock-test.conf
expect_failure "refusing host" "refuses clock pairing"
echo "blacklist ptp_kvm" >/etc/modprobe.d/guestclock-test.conf
expect_failure "blacklisted" "blacklisted"
rm -f /etc/modprobe.d/guestclock-test.conf

moddir=/lib/modules/$(uname -r)
mv "$moddir/updates/ptp_kvm.ko" /tmp/ptp_kvm.ko.hidden
depmod -a
expect_failure "no module in this kernel" "has no ptp_kvm module"
mv /tmp/ptp_kvm.ko.hidden "$moddir/updates/ptp_kvm.ko"
depmod -a
check "with the module back, load --force works" ptp_kvm_helper load --force
