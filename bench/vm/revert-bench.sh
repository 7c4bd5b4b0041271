#!/bin/sh
# vm-qemu: -device vmclock
# vm-net: ntp
# vm-timeout: 1500
# Benchmark for bench/bench_revert (not a test: figures as diag lines "BENCH revert name=...").
# The seed's snapshot revert (save, 3 s, loadvm, cont), once per contender, each on its own:
#   rtc_resync      rtc_resync daemon alone (vmclock page on 7.x; the whole-second check on 6.1)
#   chronyd-1-3     chronyd alone, Debian's makestep 1 3, synchronised to the host's NTP server
#   chronyd-1--1    chronyd alone, makestep 1 -1
#   chronyd+ours    chronyd (makestep 1 3) with rtc_resync daemon beside it, which asks it to step
#   hwclock         hwclock --hctosys run at once after the revert, as a resume hook would
# Recovery: ms from cont until host - guest is back within 10 ms of what it was before the save
# (each contender's own steady state: the RTC's phase for RTC followers, the host for NTP),
# read over the control channel (never the RTC, which a contender may need), every 0.1 s.

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
abs() { echo "${1#-}"; }
kernel=$(uname -r)

chrony_conf() { # chrony_conf MAKESTEP_LIMIT
    cat >chrony.conf <<CONF
server $NTP_SERVER iburst minpoll -2 maxpoll 0
makestep 1 $1
rtcsync
CONF
}
chrony_ready() {
    chronyc -n tracking | grep -q "Leap status *: Normal" &&
        chronyc -n -c tracking | awk -F, '{ exit !($5 < 0.001 && $5 > -0.001) }'
}
start_chronyd() { # start_chronyd MAKESTEP_LIMIT
    chrony_conf "$1"
    chronyd -d -u root -f "$WORKDIR/chrony.conf" >chronyd.log 2>&1 &
    wait_until 90 chrony_ready || diag "BENCH note chronyd did not settle"
    # Past makestep's limit of three updates (one a second at most here): from now on chronyd
    # with Debian's makestep 1 3 only slews, as it does after any boot's first minute.
    sleep 5
}
stop_all() {
    pkill -x chronyd 2>/dev/null
    pkill -x rtc_resync 2>/dev/null
    sleep 1
    vmprobe rtc-sync >/dev/null
}

# revert NAME [HOOK]: baseline, save, revert after 3 s, then ms until back within 10 ms of the
# baseline (or the 60 s limit); HOOK runs at once after the revert.
revert() {
    base=$(host_offset_ns)
    snapshot_save "$1" || { diag "BENCH note $1: snapshot_save failed"; return; }
    if [ "$SNAPSHOT" = saved ]; then
        snapshot_revert "$1" 3
        diag "BENCH note $1: snapshot_revert failed"
        return
    fi
    start=$(now_ms)
    [ -n "${2:-}" ] && $2
    t=timeout
    while [ $(($(now_ms) - start)) -lt 60000 ]; do
        o=$(host_offset_ns)
        if [ -n "$o" ] && [ "$(abs $((o - base)))" -lt 10000000 ]; then
            t=$(($(now_ms) - start))
            break
        fi
        sleep 0.1
    done
    sleep 2
    residual=$(( $(host_offset_ns) - base ))
    diag "BENCH revert name=$1 kernel=$kernel lost_ms=$((SNAPSHOT_LOST_NS / 1000000)) ms_to_10ms=$t residual_ns=$residual"
}

hctosys() { hwclock --hctosys --utc 2>/dev/null; }

stop_all
rtc_resync daemon >ours.log 2>&1 &
wait_until 20 grep -q "ACTION=" ours.log
sleep 2
revert rtc_resync
stop_all

start_chronyd 3
revert chronyd-1-3
stop_all

start_chronyd -1
revert chronyd-1--1
stop_all

start_chronyd 3
rtc_resync daemon >ours.log 2>&1 &
wait_until 20 grep -q "ACTION=" ours.log
sleep 2
revert chronyd+ours
stop_all

hwclock --hctosys --utc 2>/dev/null
revert hwclock hctosys
stop_all
ok "revert benchmark ran on $kernel"
