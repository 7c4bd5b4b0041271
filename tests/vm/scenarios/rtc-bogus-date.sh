#!/bin/sh
# vm-kind: harness
# vm-qemu: -rtc base=2000-01-01
# A host that gives the guest a bogus RTC date (for the refusal tests of rtc_resync):
# qemu started with -rtc base=2000-01-01 keeps clock=host's rate but reads 2000.

out=$(vmprobe rtc-read)
diag "$out"
check "the RTC reads a date in 2000 ($(kv rtc "$out" | cut -c1-10))" \
    test "$(kv rtc "$out" | cut -c1-4)" = 2000
check "the kernel's hctosys set the guest clock to 2000 too" \
    sh -c 'grep -q "^offset_ns=" /run/boot-rtc-offset && test "$(date -u +%Y)" = 2000'
check "the RTC still ticks (update interrupts)" sh -c 'vmprobe rtc-offset | grep -q method=uie'
