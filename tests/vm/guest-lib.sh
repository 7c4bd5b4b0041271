# Helpers for VM scenarios, sourced before every scenario. The guest's /bin/sh is bash in POSIX
# mode, not busybox sh: Debian's busybox sh would run its own hwclock and modprobe applets in
# preference to util-linux's and kmod's. The other busybox applets are on PATH.
#
# Results go to the host over the control channel (fd 3, the guest's ttyS1 or ttyAMA1) as TAP lines without
# numbers; the host numbers them and prefixes the scenario's name. Everything a scenario prints
# to stdout/stderr goes to the guest console, which the host keeps in $BUILD/vm/logs/.
#
#   ok DESC / not_ok DESC / skip DESC REASON      one result
#   diag TEXT                                     a "# TEXT" line on stdout of tests/vm/run
#   check DESC CMD [ARGS...]                      ok when CMD succeeds, else not ok with its output
#   check_range DESC VALUE LO HI                  ok when LO <= VALUE <= HI (decimals allowed)
#   wait_until SECS CMD [ARGS...]                 retry CMD every 0.25 s until it succeeds; 1 on timeout
#   pause_vm [--frozen-host] SECS                 host stops the VM for SECS, then continues it;
#                                                 sets PAUSED_NS to the measured stop length. The
#                                                 stand-in's host clock, if loaded, then jumps
#                                                 ahead by PAUSED_NS as a real host's would (a
#                                                 few ms after cont); --frozen-host: it does not
#   host_time_ns                                  the host's CLOCK_REALTIME (ms-accurate at best)
#   host_offset_ns                                host's CLOCK_REALTIME minus the guest's, taken
#                                                 at the middle of the request (a few ms)
#   qmp JSON                                      send one QMP command, print the reply
#   snapshot_save TAG                             the host saves the whole VM (RAM and devices)
#                                                 as TAG; sets SNAPSHOT=saved. Fork-like: after a
#                                                 later snapshot_revert TAG this call returns a
#                                                 second time, with SNAPSHOT=restored,
#                                                 SNAPSHOT_CONT_NS (host CLOCK_REALTIME at cont)
#                                                 and SNAPSHOT_LOST_NS (host time from the save
#                                                 to cont: what the guest's clocks lost)
#   snapshot_revert TAG SECS                      the host stops the VM, waits SECS (fractions
#                                                 allowed), loads TAG and continues: returns only
#                                                 on failure (the guest is back in snapshot_save)
#   $NTP_SERVER                                   (# vm-net: ntp) the address of the host's NTP
#                                                 server, reachable over the guest's virtio-net
#   kv KEY TEXT                                   value of KEY=value in TEXT ("" when absent)
#   rtc_offset_ns [DEV]                           system clock minus RTC, edge-synchronised
#   load_standin [PARAM=VALUE...]                 modprobe ptp_kvm, wait for /dev/ptp_kvm
#   standin_set PARAM VALUE                       write a stand-in knob at run time
#   standin_get PARAM                             read a stand-in knob
#   standin_at_host_time                          move the stand-in's host clock onto the real
#                                                 host's (to a few ms; it starts on the guest's)
#   ns_to_s NS                                    NS as seconds with 3 decimals
#   abs_ms NS                                     |NS| in ms with 3 decimals ("" when NS is empty)
#   independent_offset_ns                         rtc_offset_ns, retried for up to 15 s while a
#                                                 daemon holds the RTC
#   prom_valid FILE                               FILE is node_exporter textfile text: HELP and
#                                                 TYPE lines, samples each under its TYPE
#   prom_value FILE SERIES                        SERIES' value (name{labels} as written) as a
#                                                 plain decimal; fails when FILE lacks it

# The control channel is fd 3 under the runner; an interactive shell opens it here.
if ! { true >&3; } 2>/dev/null; then
    _ctl=$(sed -n 's/.*gc\.ctl=\([^ ]*\).*/\1/p' /proc/cmdline)
    exec 3<>"/dev/${_ctl:-ttyS1}"
fi

# ok, not_ok, skip, diag, check, check_range: the TAP helpers every shell tier shares. The
# host numbers the lines as it merges the guest's results; diagnostics also reach the console.
TAP_FD=3 TAP_ECHO_DIAG=yes
. /vm/tap.sh

# Whole seconds of CLOCK_BOOTTIME: deadlines must not move when a scenario (or the tool under
# test) steps the wall clock, as `date +%s` would.
uptime_s() { cut -d. -f1 /proc/uptime; }

wait_until() {
    _limit=$1
    shift
    _end=$(($(uptime_s) + _limit))
    while ! "$@" >/dev/null 2>&1; do
        [ "$(uptime_s)" -ge "$_end" ] && return 1
        sleep 0.25
    done
    return 0
}

# host_call LINE: one request to the host, prints its reply (without the @@WORD prefix).
host_call() {
    echo "$1" >&3
    _want=${1%% *}
    while IFS= read -r -t 600 _reply <&3; do
        case $_reply in
            "$_want "* | "$_want") echo "${_reply#"$_want"}" | sed 's/^ //'; return 0 ;;
        esac
    done
    echo "guest-lib: no reply from the host to $_want" >&2
    return 1
}

pause_vm() {
    _follow=1
    [ "$1" = --frozen-host ] && _follow=0 && shift
    PAUSED_NS=$(host_call "@@PAUSE $1") || return 1
    if [ $_follow = 1 ] && [ -w /sys/module/ptp_kvm/parameters/offset_ns ]; then
        standin_set offset_ns $(($(standin_get offset_ns) + PAUSED_NS))
    fi
    echo "paused by the host for ${PAUSED_NS} ns"
}

snapshot_save() {
    _r=$(host_call "@@SNAPSHOT save $1") || return 1
    case $_r in
        saved) SNAPSHOT=saved ;;
        "restored "*)
            SNAPSHOT=restored
            SNAPSHOT_CONT_NS=$(echo "$_r" | cut -d' ' -f2)
            SNAPSHOT_LOST_NS=$(echo "$_r" | cut -d' ' -f3)
            ;;
        *) echo "snapshot_save: $_r" >&2 && return 1 ;;
    esac
    echo "snapshot $1: $SNAPSHOT"
}
snapshot_revert() {
    _r=$(host_call "@@SNAPSHOT revert $1 $2")
    echo "snapshot_revert: ${_r:-no answer}" >&2
    return 1
}
NTP_SERVER=$(sed -n 's/.*gc\.ntp=[^ ,]*,\([^ ]*\).*/\1/p' /proc/cmdline)

host_time_ns() { host_call "@@HOSTTIME"; }
host_offset_ns() {
    _g1=$(vmprobe now)
    _h=$(host_call "@@HOSTTIME") || return 1
    _g2=$(vmprobe now)
    echo $((_h - (_g1 + _g2) / 2))
}
qmp() { host_call "@@QMP $1"; }

kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

rtc_offset_ns() {
    _o=$(vmprobe rtc-offset "${1:-/dev/rtc0}") || return 1
    kv offset_ns "$_o"
}

# |NS| in ms with 3 decimals; nothing (a failed check) when there was no reading.
abs_ms() { [ -n "$1" ] && awk -v n="$1" 'BEGIN { printf "%.3f", (n < 0 ? -n : n) / 1e6 }'; }

# vmprobe's reading, retried for up to 15 s: the kernel lets one process at a time open the
# RTC, and a running daemon has it for a moment every second and for ~4 s per measurement.
independent_offset_ns() {
    _end=$(($(uptime_s) + 15))
    while [ "$(uptime_s)" -lt "$_end" ]; do
        _o=$(rtc_offset_ns 2>/dev/null) && [ -n "$_o" ] && echo "$_o" && return 0
        sleep 0.2
    done
    return 1
}

ns_to_s() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }

load_standin() {
    modprobe ptp_kvm "$@" || return 1
    udevadm settle --timeout=10
    wait_until 10 test -e /dev/ptp_kvm
}

standin_set() { echo "$2" >"/sys/module/ptp_kvm/parameters/$1"; }
standin_get() { cat "/sys/module/ptp_kvm/parameters/$1"; }
standin_at_host_time() {
    _o=$(host_offset_ns) || return 1
    standin_set offset_ns $(($(standin_get offset_ns) + _o))
}

# The daemons' --prometheus files, checked with the shapes the exposition format allows (no
# promtool in the guest). Prints what is wrong.
prom_valid() {
    awk '
        /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* / { next }
        /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (gauge|counter)$/ { typed[$3] = 1; next }
        /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([-+0-9.eE]+|NaN)$/ {
            name = $1
            sub(/\{.*/, "", name)
            if (!(name in typed)) { print "no # TYPE before: " $0; bad = 1 }
            samples++
            next
        }
        { print "not exposition text: " $0; bad = 1 }
        END { if (!samples) print "no samples"; exit bad || !samples }' "$1"
}
prom_value() {
    awk -v s="$2" '$1 == s { printf "%.9f\n", $2; found = 1 } END { exit !found }' "$1"
}
