#!/bin/sh
# vm-kind: harness
# vm-kernel: arm64
# The arm64 guest's /dev/rtc0 is qemu's PL031 driven by rtc-pl031, which has no update
# interrupts, so edges are found by polling; the kernel's hctosys left the guest clock within
# 1 s of it at boot.

check "/dev/rtc0 exists" test -c /dev/rtc0
name=$(cat /sys/class/rtc/rtc0/name)
case $name in
    rtc-pl031*) ok "rtc0 is rtc-pl031 ('$name')" ;;
    *) not_ok "rtc0 is rtc-pl031 (it is '$name')" ;;
esac
check "rtc0 set the system clock at boot (hctosys=1)" test "$(cat /sys/class/rtc/rtc0/hctosys)" = 1

boot=$(cat /run/boot-rtc-offset)
diag "at boot: $boot"
check_range "at boot the guest clock was within 1 s of the RTC (s)" \
    "$(ns_to_s "$(kv offset_ns "$boot")")" -1 1

now=$(vmprobe rtc-offset)
diag "now: $now"
check "vmprobe polls the PL031 (its update interrupts are an alarm emulation)" \
    test "$(kv method "$now")" = poll
# The runner stepped the clock onto a polled edge before this scenario: a polled edge under
# TCG is late by one emulated read of the RTC (well under a millisecond on a quiet host).
check_range "after the runner's step the clock is on the RTC (|offset|, ms)" \
    "$(abs_ms "$(kv offset_ns "$now")")" 0 50
out=$(vmprobe rtc-read)
host_s=$(($(host_time_ns) / 1000000000))
diag "$out; host time $host_s"
check_range "the RTC keeps the host's time (RTC - host, s)" "$(($(kv rtc_s "$out") - host_s))" -2 2
# With -rtc clock=host qemu's PL031 counts the host's seconds from the host's own second
# boundaries (the MC146818 starts its seconds where qemu started): a clock stepped onto its
# edges is on the host's time, to the few ms a control-channel round trip allows.
host=$(host_offset_ns)
diag "host minus system after the step onto the RTC: $host ns"
check_range "the PL031's edges are the host's (|host - system|, ms)" "$(abs_ms "$host")" 0 200
