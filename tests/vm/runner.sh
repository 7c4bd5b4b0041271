# Guest side: runs one scenario in isolation (/bin/sh is bash in POSIX mode). Sourced by /init;
# in the shell it backs the run-scenario command.
#
# Before each scenario: the guest clock is stepped onto the RTC at a second edge and the
# kernel's NTP state is reset, so every scenario starts like a fresh boot, only more precise.
# The scenario runs in its own shell, in its own empty working directory, under a time limit.
# After it: processes it left behind are killed, /etc and /var/lib are restored, the ptp_kvm
# stand-in is unloaded.

# User processes other than udev's, by PID: kernel threads are kthreadd's (PID 2) children.
# Shell builtins only: /proc files report size 0, and a fork per process is slow under TCG.
_user_pids() {
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [ "$pid" = 2 ] || [ "$pid" = "${BASHPID:-}" ] && continue
        read -r stat <"$d/stat" 2>/dev/null || continue
        set -- ${stat##*) } # state ppid ...; the name before ") " may hold spaces
        [ "$2" = 2 ] && continue
        read -r comm <"$d/comm" 2>/dev/null
        case $comm in systemd-udevd | "(udev-worker)" | udevd) continue ;; esac
        echo "$pid"
    done
}

. /vm/guest-lib.sh

# Steps the clock onto the RTC. The RTC itself is checked against the host: a scenario that
# wrote it (hwclock --systohc, the kernel's 11-minute mode, our tools) would leave it moved for
# the next one, so when host minus RTC differs by more than 0.5 s from what it was at the first
# reset of this boot (qemu's RTC phase, or a bogus base date), the RTC is set back.
_reset_guest() {
    vmprobe ntp-reset >/dev/null || echo "# runner: ntp-reset failed" >&3
    out=$(vmprobe rtc-sync 2>&1) || echo "# runner: could not step the clock onto the RTC: $out" >&3
    h=$(host_offset_ns) || return 0
    if [ ! -s /run/rtc-host-baseline ]; then
        echo "$h" >/run/rtc-host-baseline
        return 0
    fi
    moved=$(($(cat /run/rtc-host-baseline) - h))
    [ "${moved#-}" -le 500000000 ] && return 0
    echo "# runner: the RTC was moved by $(ns_to_s "$moved") s before $name; setting it back" >&3
    # util-linux's hwclock, or busybox's where that is the only one (arm64: it keeps no adjfile).
    vmprobe step $((-moved)) && { hwclock --systohc --utc --noadjfile 2>/dev/null ||
        hwclock --systohc --utc; } &&
        vmprobe rtc-sync >/dev/null && host_offset_ns >/run/rtc-host-baseline ||
        echo "# runner: could not set the RTC back" >&3
}

_cleanup_after() { # _cleanup_after "PIDS BEFORE"
    before=" $(echo $1) "
    for sig in TERM KILL; do
        left=
        for pid in $(_user_pids); do
            case $before in *" $pid "*) continue ;; esac
            [ "$pid" = "$$" ] && continue
            # busybox's timeout (the arm64 guest's) forks a watcher with the runner's own command
            # line, which ends within a second of the scenario by itself; an empty command line
            # is a process already gone (or a zombie: nothing to stop).
            case $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) in
                "" | "timeout -s KILL $limit /bin/sh -c "*) continue ;;
            esac
            left="$left $pid"
        done
        [ -z "$left" ] && break
        if [ "$sig" = TERM ]; then
            names=
            for pid in $left; do
                read -r comm <"/proc/$pid/comm" 2>/dev/null && names="$names $comm"
            done
            echo "# runner: stopping what $name left running:$names" >&3
        fi
        kill -"$sig" $left 2>/dev/null
        sleep 0.3
    done
    # Files a scenario changed in /etc (adjtime, chrony, udev rules) or /var/lib (drift files,
    # our tools' state) go back to what the boot started with.
    for d in /etc /var/lib; do
        rm -rf "$d" && cp -a "/run/pristine$d" "$d"
    done
    # The arm64 guest runs no udev.
    udev=no
    command -v udevadm >/dev/null && udev=yes
    [ $udev = yes ] && udevadm control --reload
    if [ -d /sys/module/ptp_kvm ]; then
        rmmod ptp_kvm 2>/dev/null || echo "# runner: could not unload ptp_kvm" >&3
    fi
    [ $udev = no ] || udevadm settle --timeout=10
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
    if [ ! -d /run/pristine ]; then
        mkdir -p /run/pristine/var && cp -a /etc /run/pristine/ && cp -a /var/lib /run/pristine/var/
    fi
    _reset_guest
    before=$(_user_pids)
    dir=/tmp/scenario/$name
    rm -rf "$dir" && mkdir -p "$dir"
    echo "==== scenario $name (limit ${limit}s) ====" >/dev/console
    (cd "$dir" && SCENARIO=$name WORKDIR=$dir exec timeout -s KILL "$limit" \
        /bin/sh -c '. /vm/guest-lib.sh && . "$1"; exit 0' sh "$script") </dev/null >/dev/console 2>&1
    rc=$?
    _cleanup_after "$before"
    echo "@@END $name $rc" >&3
    return 0
}
