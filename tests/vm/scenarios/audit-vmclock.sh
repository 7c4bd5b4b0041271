#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-timeout: 120
# clocksource_audit on QEMU's real vmclock page: ptp_vmclock makes /dev/vmclock0, our udev rule
# names it /dev/vmclock with mode 0640, and the audit decodes the page as QEMU fills it (magic
# and version right, no counter, a disruption marker from 1 up) in JSON and in its metrics.

# A numeric field of the pretty-printed JSON (the top level's "version" is a string).
field() { sed -n "s/^ *\"$1\": \\([0-9][0-9]*\\),*\$/\\1/p" "$2" | head -n 1; }

modprobe ptp_vmclock 2>/dev/null
check "ptp_vmclock makes /dev/vmclock0" wait_until 10 test -c /dev/vmclock0
udevadm settle 2>/dev/null
check "our rule links /dev/vmclock to the first page" \
    sh -c '[ "$(readlink -f /dev/vmclock)" = /dev/vmclock0 ]'
check "our rule makes the page mode 0640" sh -c '[ "$(stat -c %a /dev/vmclock0)" = 640 ]'

clocksource_audit -q --no-measure --json --prometheus vmclock.prom >audit.json
diag "$(tr -s ' \n' ' ' <audit.json | sed -n 's/.*\("vmclock": {.*\)"findings".*/\1/p' | cut -c1-600)"
check "the audit lists the ACPI device" grep -q '"AMZNC10C:00"' audit.json
check "the page decoded: version 1" test "$(field version audit.json)" = 1
check "QEMU offers no counter (counter_id 255)" test "$(field counter_id audit.json)" = 255
check "the clock status has a name" grep -q '"clock_status_name": "[a-z-]*"' audit.json
marker=$(field disruption_marker audit.json)
check "the disruption marker is at least 1 (got $marker)" test "${marker:-0}" -ge 1
check "no read problem" grep -q '"problem": null' audit.json
check "the metrics file is valid exposition text" prom_valid vmclock.prom
check "one vmclock device in the metrics" \
    test "$(prom_value vmclock.prom guestclock_audit_vmclock_present)" = 1.000000000
check "the marker in the metrics matches the JSON" test "$(prom_value vmclock.prom \
    'guestclock_audit_vmclock_disruption_marker{device="/dev/vmclock0"}')" = "$marker.000000000"
