#!/bin/sh
# vm-kernel: 6.1
# vm-timeout: 3000
# Benchmark for bench/bench_footprint (not a test: no pass/fail, figures as diag lines
# "BENCH footprint name=... key=value ..."). One boot, each daemon alone doing its job for the
# same window, then measured from /proc:
#  rtc_resync daemon      against chronyd with Debian's defaults (makestep 1 3) plus rtcsync,
#                         on the stand-in PHC as its source;
#  ptp_kvm_helper sync    against chronyd with the drop-in ptp_kvm_helper chrony writes.
# One at a time: two daemons side by side would fight over the clock, or one would stand down.
# bench/bench_footprint rewrites the window below (FOOTPRINT_SECONDS) and the timeout above.
window=600

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Every wakeup ends in a context switch of one of the process's threads.
switches() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { n += $2 } END { print n }'; }
rollup_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/smaps_rollup"; }
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

fresh_standin() {
    rmmod ptp_kvm 2>/dev/null
    udevadm settle
    vmprobe ntp-reset >/dev/null
    vmprobe rtc-sync >/dev/null
    load_standin
}

start() { # start NAME: one daemon in the background, its pid in $pid
    case $1 in
        rtc_resync) rtc_resync daemon -q >"$1.log" 2>&1 & ;;
        ptp_kvm_helper) ptp_kvm_helper sync -q >"$1.log" 2>&1 & ;;
        chronyd-rtc)
            printf 'refclock PHC /dev/ptp_kvm poll 2\nmakestep 1 3\nrtcsync\ndriftfile %s\n' \
                "$WORKDIR/chrony.drift" >chrony-rtc.conf
            chronyd -d -u root -f "$WORKDIR/chrony-rtc.conf" >"$1.log" 2>&1 & ;;
        chronyd-phc)
            # The drop-in goes where the main configuration's confdir points.
            mkdir -p conf.d
            printf 'confdir %s/conf.d\n' "$WORKDIR" >chrony-phc.conf
            ptp_kvm_helper chrony --write --conf-dir "$WORKDIR/conf.d" \
                --config "$WORKDIR/chrony-phc.conf" >chrony-dropin.log 2>&1 ||
                diag "chronyd-phc: no drop-in: $(cat chrony-dropin.log)"
            chronyd -d -u root -f "$WORKDIR/chrony-phc.conf" >"$1.log" 2>&1 & ;;
    esac
    pid=$!
}

# The first 20 s are start-up (chronyd's first polls, our first measurement); the window after
# it is the steady state an image runs in.
for name in rtc_resync chronyd-rtc ptp_kvm_helper chronyd-phc; do
    fresh_standin
    start $name
    sleep 20
    [ $name = chronyd-phc ] && chronyc -n sources | tail -n 1 | while IFS= read -r l; do diag "$name: $l"; done
    c0=$(cpu_ticks $pid) s0=$(switches $pid) m0=$(now_ms)
    sleep $window
    c1=$(cpu_ticks $pid) s1=$(switches $pid) m1=$(now_ms)
    if kill -0 $pid 2>/dev/null; then
        diag "BENCH footprint name=$name window_s=$(((m1 - m0) / 1000))" \
            "rss_kb=$(rollup_kb $pid Rss) pss_kb=$(rollup_kb $pid Pss)" \
            "cpu_s_per_hour=$(awk -v d=$((c1 - c0)) -v ms=$((m1 - m0)) 'BEGIN { printf "%.2f", d / 100 / (ms / 1000) * 3600 }')" \
            "wakeups_per_min=$(awk -v d=$((s1 - s0)) -v ms=$((m1 - m0)) 'BEGIN { printf "%.1f", d / (ms / 60000) }')"
    else
        diag "BENCH footprint name=$name exited"
        tail -n 5 "$name.log" | while IFS= read -r l; do diag "$name: $l"; done
    fi
    kill -TERM $pid
    wait $pid
done
ok "benchmark ran"
