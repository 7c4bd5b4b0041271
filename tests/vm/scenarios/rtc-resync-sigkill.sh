#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 150
# SIGKILL at each phase of rtc_resync's daemon, found from its own log: while it reads the RTC's
# edges, and right after a correction, when it writes its state file and textfile. SIGKILL runs
# no cleanup, and none is needed: both files are replaced by rename (whole or not at all), the
# kernel drops the flock with the process, a step is done when its call returns, and the
# frequency stays in the kernel as it does on SIGTERM. 6.1 only: the daemon's code is the same
# on 7.x, and the tier's time is better spent on what differs there.

mkdir state textfiles
prom=textfiles/guestclock-rtc-resync.prom
run=0
start() {
    run=$((run + 1))
    log=daemon-$run.log
    rtc_resync daemon --state-directory "$WORKDIR/state" --prometheus $prom >$log 2>&1 &
    daemon=$!
}
absent_or_valid() { [ ! -e "$1" ] || prom_valid "$1"; }
freq() { adjtimex | awk '/freq.adjust/ { print $3 }'; }
freq_before=$(freq)

# What every kill must leave: no temporary (the writer's NAME.<16 hex digits>), whole files,
# the clock on the RTC and the frequency the daemon left (it learns one only from two precise
# measurements a minute apart, so here the kernel's own).
after_kill() {
    kill -KILL "$daemon"
    wait "$daemon" 2>/dev/null
    diag "$1: killed; state/: $(ls state | tr '\n' ' ') textfiles/: $(ls textfiles | tr '\n' ' ')"
    check "$1: SIGKILL leaves no temporary file" \
        sh -c '! ls state textfiles | grep -q "\.[0-9a-f]\{16\}$"'
    check "$1: the state file is absent or one whole number" \
        sh -c '[ ! -e state/rtc_resync.last-good ] || grep -qx "[0-9]\{10,\}" state/rtc_resync.last-good'
    check "$1: the textfile is absent or parses" absent_or_valid $prom
    check_range "$1: the clock is on the RTC (independent |offset| ms)" \
        "$(abs_ms "$(independent_offset_ns)")" 0 20
    check "$1: the kernel's frequency is unchanged" test "$(freq)" = "$freq_before"
}

# Reading the RTC: the first precise measurement (a stale interrupt and three edges, about
# 4 s) follows the daemon's "reading /dev/rtc0" at once.
start
wait_until 10 grep -q "reading /dev/rtc" $log || not_ok "the daemon opened the RTC"
check "reading edges: no measurement yet when killed" sh -c "! grep -q ACTION= $log"
after_kill "reading edges"

# Right after a correction: someone sets the clock a second off, the daemon steps it back and
# writes its state file and textfile; killed as soon as its log shows the step.
start
wait_until 20 grep -q "ACTION=" $log || not_ok "the daemon made its first measurement"
date -s "@$(($(date +%s) + 1))" >/dev/null
end=$(($(uptime_s) + 15))
while ! grep -q "ACTION=step" $log && [ "$(uptime_s)" -lt "$end" ]; do :; done
check "after a correction: the daemon had stepped when killed" grep -q "ACTION=step" $log
after_kill "after a correction"

# The daemon started again works: its lock was not left held, it measures and it writes both
# files afresh.
start
check "restarted after SIGKILL: it takes the lock and measures" wait_until 20 grep -q "ACTION=" $log
check "restarted after SIGKILL: the state file is one whole number" \
    wait_until 3 grep -qx "[0-9]\{10,\}" state/rtc_resync.last-good
check "restarted after SIGKILL: the textfile parses" wait_until 3 prom_valid $prom
kill -TERM "$daemon"
wait "$daemon"
check "restarted after SIGKILL: SIGTERM still ends it with 0" test "$?" = 0
