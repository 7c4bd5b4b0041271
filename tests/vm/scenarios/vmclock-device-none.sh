#!/bin/sh
# vm-kernel: 7
# vm-kind: harness
# Harness self-check, the counterpart of vmclock-device: without "-device vmclock" the same
# kernel and initramfs (ptp_vmclock is in it) give no vmclock device.

check "ptp_vmclock is in the initramfs" modinfo -F filename ptp_vmclock
check "ptp_vmclock is not loaded (no device to bind)" test ! -d /sys/module/ptp_vmclock
check "there is no /dev/vmclock*" sh -c '! ls /dev/vmclock* 2>/dev/null'
