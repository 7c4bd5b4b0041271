#!/bin/sh
# vm-kind: harness
# /dev/rtc0 is qemu's MC146818 driven by rtc_cmos, it ticks with update interrupts, and the
# kernel's hctosys left the guest clock within 1 s of it at boot.

check "/dev/rtc0 exists" test -c /dev/rtc0
name=$(cat /sys/class/rtc/rtc0/name)
case $name in
    rtc_cmos*) ok "rtc0 is rtc_cmos ('$name')" ;;
    *) not_ok "rtc0 is rtc_cmos (it is '$name')" ;;
esac
check "rtc0 set the system clock at boot (hctosys=1)" test "$(cat /sys/class/rtc/rtc0/hctosys)" = 1

boot=$(cat /run/boot-rtc-offset)
diag "at boot: $boot"
check_range "at boot the guest clock was within 1 s of the RTC (s)" \
    "$(ns_to_s "$(kv offset_ns "$boot")")" -1 1

now=$(vmprobe rtc-offset)
diag "now: $now"
check "RTC second edges come from update interrupts (RTC_UIE_ON works)" \
    test "$(kv method "$now")" = uie
# The runner stepped the clock onto an RTC edge before this scenario; a second edge agrees to
# within the interrupt latency (about 1.4 ms without the HPET).
check_range "clock stepped onto the RTC by the runner agrees at the next edge (ms)" \
    "$(awk -v n="$(kv offset_ns "$now")" 'BEGIN { printf "%.3f", n / 1e6 }')" -5 5
check "util-linux hwclock reads the RTC" hwclock --show --utc
