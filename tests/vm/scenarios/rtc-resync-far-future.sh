#!/bin/sh
# vm-kernel: 6.1
# vm-qemu: -rtc base=2065-01-01
# An RTC decades ahead (qemu -rtc base=2065-01-01, as a host with a mistyped date gives it) must
# never move a correct clock: once refuses with exit code 11 and says which ceiling and why,
# status says the same, the system clock (first set right from the host) stays put, and only
# the operator's --force would believe it. A PHC 40 years ahead is refused by sync alike.

host_s=$(($(host_time_ns) / 1000000000))
date -s "@$host_s" >/dev/null
before=$(rtc_offset_ns)
out=$(rtc_resync once 2>&1)
rc=$?
diag "$out"
check "once exits 11 (beyond the ceiling) on a 2065 RTC" test "$rc" = 11
check "the refusal says the RTC reads 2065, beyond the ceiling from the system clock" \
    sh -c "echo '$out' | grep -q 'RTC reads 2065-.*beyond the ceiling.*the system clock'"
after=$(rtc_offset_ns)
check_range "the system clock did not move (change of system - RTC, s)" \
    "$(ns_to_s $((after - before)))" -0.1 0.1
check "the system clock still reads the host's year" test "$(date -u +%Y)" -lt 2060
rtc_resync status >/dev/null 2>&1
check "status exits 11 too" test "$?" = 11
check "once --force --dry-run would believe it (exit 0, nothing changed)" \
    rtc_resync once --force --dry-run
check "--max-offline below a day is refused as a usage error" \
    sh -c 'rtc_resync --max-offline 10 status >/dev/null 2>&1; test $? = 2'

load_standin || not_ok "stand-in loaded"
standin_set offset_ns $((40 * 31557600 * 1000000000))
out=$(ptp_kvm_helper sync --once --force 2>&1)
rc=$?
diag "$out"
check "sync --once refuses a PHC 40 years ahead (exit 3)" test "$rc" = 3
check "sync names the ceiling" sh -c "echo '$out' | grep -q 'beyond the ceiling'"
check "the system clock still reads the host's year after sync" test "$(date -u +%Y)" -lt 2060
