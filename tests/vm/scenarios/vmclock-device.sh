#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-kind: harness
# Harness self-check: qemu's vmclock device reaches the guest. udev loads ptp_vmclock by its
# ACPI modalias (AMZNC10C) during coldplug, so /dev/vmclock0 is there before any scenario, and
# its page starts with the magic "VCLK". vmclock-device-none is the same boot without it.

check "udev loaded ptp_vmclock for the device" test -d /sys/module/ptp_vmclock
check "/dev/vmclock0 is a character device" test -c /dev/vmclock0
magic=$(od -A n -c -N 4 /dev/vmclock0 | tr -d ' ')
if [ "$magic" = VCLK ]; then
    ok "/dev/vmclock0 starts with the magic VCLK"
else
    not_ok "/dev/vmclock0 starts with the magic VCLK (read '$magic')"
fi
