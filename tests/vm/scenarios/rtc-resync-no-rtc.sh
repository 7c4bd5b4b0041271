#!/bin/sh
# vm-boot: own
# vm-kernel: 6.1
# No RTC: the driver unbound (as on a machine without one), and a device that vanishes under
# the running daemon. Clear errors, exit 3, no crash; the daemon waits and resumes when the
# RTC comes back. Its own boot: the RTC may come back under another number. 6.1 only: on 7.x
# rtc_cmos binds to an ACPI platform device whose driver refuses unbind ("Permission denied").

pnp=$(basename "$(readlink -f /sys/class/rtc/rtc0/device)")
rtc_resync daemon >daemon.log 2>&1 &
daemon=$!
wait_until 20 grep -q "ACTION=" daemon.log || not_ok "daemon made its first measurement"

echo "$pnp" >/sys/bus/pnp/drivers/rtc_cmos/unbind
check "unbinding rtc_cmos removes /dev/rtc0" wait_until 5 sh -c '! test -e /dev/rtc0'
# --dry-run: a correcting once would meet the daemon's lock (exit 4) before looking for the RTC.
out=$(rtc_resync once --dry-run 2>&1)
rc=$?
diag "$out"
check "once without an RTC exits 3" test "$rc" = 3
check "once says there is no RTC device" sh -c "echo '$out' | grep -q 'no RTC device'"
rtc_resync status --device /dev/rtc7 >/dev/null 2>&1
check "status on a named device that does not exist exits 3" test "$?" = 3

check "the daemon notices the RTC is gone and waits" wait_until 5 grep -q "waiting for an RTC" daemon.log
check "the daemon survives the missing RTC" kill -0 "$daemon"

echo "$pnp" >/sys/bus/pnp/drivers/rtc_cmos/bind
udevadm settle --timeout=10
lines=$(wc -l <daemon.log)
check "the daemon resumes when the RTC comes back" \
    wait_until 15 sh -c "tail -n +$((lines + 1)) daemon.log | grep -q ACTION="
kill -TERM "$daemon"
wait "$daemon"
check "and still ends cleanly on SIGTERM" test "$?" = 0

# SIGKILL while it waits for the RTC: it holds nothing but its lock, which the kernel drops, so
# a daemon started again when the RTC is back takes it and measures.
echo "$pnp" >/sys/bus/pnp/drivers/rtc_cmos/unbind
wait_until 5 sh -c '! test -e /dev/rtc0'
rtc_resync daemon >waiting.log 2>&1 &
daemon=$!
wait_until 10 grep -q "waiting for an RTC" waiting.log || not_ok "the daemon waits for an RTC"
kill -KILL "$daemon"
wait "$daemon" 2>/dev/null
check "SIGKILLed while waiting: no temporary file left in the state directory" \
    sh -c '! ls /var/lib/guestclock | grep -q "\.[0-9a-f]\{16\}$"'
echo "$pnp" >/sys/bus/pnp/drivers/rtc_cmos/bind
udevadm settle --timeout=10
rtc_resync daemon >again.log 2>&1 &
daemon=$!
check "SIGKILLed while waiting: a daemon started again takes the lock and measures" \
    wait_until 20 grep -q "ACTION=" again.log
kill -TERM "$daemon"
wait "$daemon"
