#!/bin/sh
# vm-kernel: 6.1
# vm-kind: harness
# The seeds' snapshot/pause problem, reproduced: while qemu is stopped the guest's clocks stand
# still and the RTC (clock=host) runs on, so after QMP stop for 5 s and cont, the system clock
# trails the RTC by 5 s. The ptp_kvm stand-in's host clock jumps ahead with it (pause_vm moves
# its offset_ns by the measured pause).

load_standin || not_ok "stand-in loaded"
before=$(rtc_offset_ns)
phc_before=$(kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm)")
mono_before=$(cut -d' ' -f1 /proc/uptime)
pause_vm 5 || not_ok "host paused the VM"
mono_after=$(cut -d' ' -f1 /proc/uptime)
after=$(rtc_offset_ns)
phc_after=$(kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm)")
diag "host stopped the VM for $(ns_to_s "$PAUSED_NS") s; system minus RTC before $(ns_to_s "$before") s, after $(ns_to_s "$after") s"

check_range "host stopped the VM for 5 s (s)" "$(ns_to_s "$PAUSED_NS")" 4.9 5.5
check_range "after the pause the guest clock trails the RTC by 5 s (system - RTC, s)" \
    "$(ns_to_s "$after")" -5.5 -4.5
check_range "the trail equals the pause (change of system - RTC + pause, s)" \
    "$(ns_to_s $((after - before + PAUSED_NS)))" -0.5 0.5
check_range "the guest's monotonic clock did not see the pause (uptime advanced, s)" \
    "$(awk -v a="$mono_after" -v b="$mono_before" 'BEGIN { print a - b }')" 0 2
check_range "the stand-in's host clock is now ahead of the guest by the pause (PHC - system, s)" \
    "$(ns_to_s $((phc_after - phc_before)))" 4.5 5.5
