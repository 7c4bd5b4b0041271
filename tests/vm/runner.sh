# Guest side: runs one scenario in isolation (busybox sh). Sourced by /init; in the shell it
# backs the run-scenario command.
#
# Before each scenario: the guest clock is stepped onto the RTC at a second edge and the
# kernel's NTP state is reset, so every scenario starts like a fresh boot, only more precise.
# The scenario runs in its own shell, in its own empty working directory, under a time limit.
# After it: processes it left behind are killed, the ptp_kvm stand-in is unloaded.

# User processes (a non-empty cmdline) other than udev's, by PID.
_user_pids() {
    for d in /proc/[0-9]*; do
        [ -s "$d/cmdline" ] || continue
        case $(cat "$d/comm" 2>/dev/null) in systemd-udevd | "(udev-worker)" | udevd) continue ;; esac
        echo "${d#/proc/}"
    done
}

_reset_guest() {
    vmprobe ntp-reset >/dev/null || echo "# runner: ntp-reset failed" >&3
    out=$(vmprobe rtc-sync 2>&1) || echo "# runner: could not step the clock onto the RTC: $out" >&3
}

_cleanup_after() { # _cleanup_after "PIDS BEFORE"
    before=" $(echo $1) "
    for sig in TERM KILL; do
        left=
        for pid in $(_user_pids); do
            case $before in *" $pid "*) continue ;; esac
            [ "$pid" = "$$" ] && continue
            left="$left $pid"
        done
        [ -z "$left" ] && break
        kill -"$sig" $left 2>/dev/null
        sleep 0.3
    done
    if [ -d /sys/module/ptp_kvm ]; then
        rmmod ptp_kvm 2>/dev/null || echo "# runner: could not unload ptp_kvm" >&3
    fi
    udevadm settle --timeout=10
}

# run_scenario NAME [TIMEOUT_S]
run_scenario() {
    name=$1
    limit=${2:-120}
    script=/vm/scenarios/$name.sh
    echo "@@BEGIN $name" >&3
    if [ ! -f "$script" ]; then
        echo "not ok - $name: no such scenario" >&3
        echo "@@END $name 1" >&3
        return 1
    fi
    _reset_guest
    before=$(_user_pids)
    dir=/tmp/scenario/$name
    rm -rf "$dir" && mkdir -p "$dir"
    echo "==== scenario $name (limit ${limit}s) ====" >/dev/console
    (cd "$dir" && SCENARIO=$name WORKDIR=$dir exec timeout -s KILL "$limit" \
        sh -c '. /vm/guest-lib.sh && . "$1"; exit 0' sh "$script") </dev/null >/dev/console 2>&1
    rc=$?
    _cleanup_after "$before"
    echo "@@END $name $rc" >&3
    return 0
}
