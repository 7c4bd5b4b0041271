#!/bin/sh
# vm-qemu: -device vmclock
# vm-net: ntp
# vm-timeout: 2400
# Benchmark for bench/bench_revert (not a test: figures as diag lines "BENCH revert name=...",
# "BENCH pause name=...", and the offsets over time as "BENCHSERIES revert|pause" lines for the
# charts). Once per contender, each on its own: the seed's snapshot revert (save, 3 s, loadvm,
# cont), then, once the contender is back in step, a 10 s QMP pause (stop, cont):
#   rtc_resync      rtc_resync daemon alone (vmclock page on 7.x; the whole-second check on 6.1)
#   chronyd-1-3     chronyd alone, Debian's makestep 1 3, synchronised to the host's NTP server
#   chronyd-1--1    chronyd alone, makestep 1 -1
#   chronyd+ours    chronyd (makestep 1 3) with rtc_resync daemon beside it, which asks it to step
#   hwclock         hwclock --hctosys run at once after the revert or pause, as a resume hook would
# Recovery: ms from cont until host - guest is back within 10 ms of what it was before the save
# or the pause (each contender's own steady state: the RTC's phase for RTC followers, the host
# for NTP), read over the control channel (never the RTC, which a contender may need), every
# 0.1 s or as fast as the channel answers, for 30 s at least and until 2 s past the recovery.

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

# follow START_MS BASE_NS: samples host - guest - BASE_NS into series.txt ("ms ns", ms since
# START_MS) until SERIES_MS have passed and 2 s past the first sample within 10 ms, or for 60 s.
# Sets t (ms to that first sample, or "timeout") and residual (ns, the sample 2 s after it).
SERIES_MS=30000
follow() {
    t=timeout residual='' d=''
    : >series.txt
    while [ $(($(now_ms) - $1)) -lt 60000 ]; do
        o=$(host_offset_ns)
        e=$(($(now_ms) - $1))
        if [ -n "$o" ]; then
            d=$((o - $2))
            echo "$e $d" >>series.txt
            [ "$t" = timeout ] && [ "$(abs $d)" -lt 10000000 ] && t=$e
            [ "$t" != timeout ] && [ $e -ge $((t + 2000)) ] && [ -z "$residual" ] && residual=$d
            [ -n "$residual" ] && [ $e -ge $SERIES_MS ] && break
        fi
        sleep 0.1
    done
    [ -z "$residual" ] && residual=$d
}
series() { # series KIND NAME: the last follow's samples, sent once the measurement is over
    while read -r ms ns; do
        diag "BENCHSERIES $1 kernel=$kernel name=$2 t_ms=$ms offset_ns=$ns"
    done <series.txt
}

# revert NAME [HOOK]: baseline, save, revert after 3 s, then follow; HOOK runs at once after
# the revert.
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
    follow "$start" "$base"
    diag "BENCH revert name=$1 kernel=$kernel lost_ms=$((SNAPSHOT_LOST_NS / 1000000)) ms_to_10ms=$t residual_ns=$residual"
    series revert "$1"
}

# pause NAME [HOOK]: baseline, a 10 s pause, then follow; HOOK runs at once after cont.
pause() {
    base=$(host_offset_ns)
    pause_vm 10 >/dev/null || { diag "BENCH note $1: pause_vm failed"; return; }
    start=$(now_ms)
    [ -n "${2:-}" ] && $2
    follow "$start" "$base"
    diag "BENCH pause name=$1 kernel=$kernel paused_ms=$((PAUSED_NS / 1000000)) ms_to_10ms=$t residual_ns=$residual"
    series pause "$1"
}

# back_in_step NAME: before the pause, until a chronyd that may still be slewing off the revert
# is within 1 ms of its server again (makestep 1 3 slews 3 s in about 40 s).
back_in_step() {
    case $1 in
        chronyd*) wait_until 120 chrony_ready || diag "BENCH note $1: chronyd not back within 1 ms" ;;
    esac
}

hctosys() { hwclock --hctosys --utc 2>/dev/null; }

stop_all
rtc_resync daemon >ours.log 2>&1 &
wait_until 20 grep -q "ACTION=" ours.log
sleep 2
revert rtc_resync
pause rtc_resync
stop_all

for limit in 3 -1; do
    start_chronyd $limit
    revert chronyd-1-$limit
    back_in_step chronyd-1-$limit
    pause chronyd-1-$limit
    stop_all
done

start_chronyd 3
rtc_resync daemon >ours.log 2>&1 &
wait_until 20 grep -q "ACTION=" ours.log
sleep 2
revert chronyd+ours
back_in_step chronyd+ours
pause chronyd+ours
stop_all

hwclock --hctosys --utc 2>/dev/null
revert hwclock hctosys
pause hwclock hctosys
stop_all
ok "revert benchmark ran on $kernel"
