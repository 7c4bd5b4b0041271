# TEST IMAGE ONLY (tests/image): the checks behind ./checks. Sourced; fd 3 is the control port.

# ok, not_ok, skip, diag, result: the TAP helpers every shell tier shares; the host numbers
# the lines as it reads them.
TAP_FD=3
. /usr/local/libexec/guestclock-image/tap.sh
# missing DESCRIPTION WHAT: the check's subject (a unit, a tool, a file the package writes) is not
# there. That is a failure, never a skip: a package that lost a unit must fail the tier.
missing() { not_ok "$1 ($2 is missing)"; }

# request LINE: sends a request to the host and prints its reply's argument.
request() {
    local reply
    echo "$1" >&3
    IFS= read -r -t 120 reply <&3 || return 1
    reply=${reply%$'\r'}
    [[ $reply == "${1%% *} "* ]] || return 1
    echo "${reply#* }"
}

# wait_for SECONDS COMMAND...: retries COMMAND every half second until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

unit_installed() { [[ -n $(systemctl list-unit-files --no-legend "$1" 2>/dev/null) ]]; }
ns_now() { local t=$EPOCHREALTIME; echo "${t/./}000"; }
uptime_ms() { local up; read -r up _ </proc/uptime; echo "${up/./}0"; }

# host_offset: guest CLOCK_REALTIME minus the host's, in ns, on the line "OFFSET RTT".
host_offset() {
    local t1 t2 host
    t1=$(ns_now)
    host=$(request "@@HOSTTIME") || return 1
    t2=$(ns_now)
    echo "$(((t1 + t2) / 2 - host)) $((t2 - t1))"
}

# The best of a few offsets: the one with the shortest round trip.
best_offset() {
    local best="" rtt_best=0 o
    for _ in 1 2 3 4 5; do
        o=$(host_offset) || return 1
        if [[ -z $best ]] || ((${o#* } < rtt_best)); then best=$o; rtt_best=${o#* }; fi
    done
    echo "$best"
}

# sec NS: nanoseconds as seconds, to the millisecond.
sec() {
    local v=${1#-} sign=""
    [[ $1 == -* ]] && sign=-
    printf '%s%d.%03d' "$sign" $((v / 1000000000)) $(((v / 1000000) % 1000))
}

check_boot() {
    local failed
    failed=$(systemctl --failed --no-legend --plain | awk '{print $1}')
    result "$([[ -z $failed ]]; echo $?)" "boot: systemd is PID 1 and no unit failed"
    [[ -z $failed ]] || diag "failed units: $failed"$'\n'"$(journalctl -b -q -o short-monotonic \
        -p warning --no-pager | tail -n 20)"
}

check_ptp_kvm_loaded() {
    local unit=ptp-kvm-load.service
    if ! unit_installed $unit; then missing "ptp_kvm loaded by $unit" $unit; return; fi
    loaded() {
        [[ -d /sys/module/ptp_kvm ]] &&
            [[ $(systemctl show -P Result $unit) == success ]] &&
            [[ $(systemctl show -P ConditionResult $unit) == yes ]] &&
            [[ $(systemctl show -P ExecMainStatus $unit) == 0 ]]
    }
    wait_for 60 loaded
    result $? "ptp_kvm loaded by $unit"
    diag "$(systemctl show -p ActiveState,Result,ConditionResult,ExecMainStatus $unit | tr '\n' ' ')"
    diag "$(journalctl -b -q -o cat -u $unit --no-pager | tail -n 5)"
}

check_ptp_kvm_node() {
    if [[ ! -d /sys/module/ptp_kvm ]] && ! unit_installed ptp-kvm-load.service; then
        missing "/dev/ptp_kvm is the KVM virtual PTP clock" "ptp_kvm (nothing installed loads it)"
        return
    fi
    wait_for 30 test -e /dev/ptp_kvm
    local node name=""
    node=$(readlink -f /dev/ptp_kvm 2>/dev/null)
    [[ -n $node ]] && name=$(cat "/sys/class/ptp/${node##*/}/clock_name" 2>/dev/null)
    result "$([[ $name == "KVM virtual PTP" ]]; echo $?)" "/dev/ptp_kvm is the KVM virtual PTP clock"
    diag "/dev/ptp_kvm -> ${node:-missing} (${name:-no clock_name})"
}

check_decoy() {
    local d names="" decoy=""
    for d in /sys/class/ptp/ptp*; do
        [[ -e $d/clock_name ]] || continue
        names+="${d##*/}=$(cat "$d/clock_name") "
        [[ $(cat "$d/clock_name") != "KVM virtual PTP" ]] && decoy=/dev/${d##*/}
    done
    local chosen
    chosen=$(readlink -f /dev/ptp_kvm 2>/dev/null)
    result "$([[ -n $decoy && $chosen != "$decoy" ]]; echo $?)" \
        "the e1000e PHC is present and not the one chosen"
    diag "PHCs: ${names:-none}"
}

# The stand-in's "host clock" starts at the guest's clock when it loads, which at that moment is
# only as right as the kernel's whole-second read of the RTC. A real ptp_kvm serves the host's
# clock itself: move the stand-in onto it. qemu's RTC still trails the host by where in a second
# qemu started (0-1 s), on KVM as here, so the two references differ by that much.
# PHC - host = (PHC - CLOCK_REALTIME) + (CLOCK_REALTIME - host).
align_stand_in() {
    local knob=/sys/module/ptp_kvm/parameters/offset_ns system_minus_phc phc rt cur
    [[ -w $knob ]] && command -v ptp_kvm_helper >/dev/null || return 0
    system_minus_phc=$(ptp_kvm_helper offset --count 9 --json 2>/dev/null \
        | sed -nE 's/.*"system_minus_phc_ns": (-?[0-9]+).*/\1/p')
    rt=$(best_offset) || return 0
    [[ -n $system_minus_phc ]] || { diag "could not read the stand-in's offset"; return 0; }
    phc=$((-system_minus_phc))
    cur=$(<$knob)
    echo $((cur - phc - ${rt% *})) >$knob
    diag "stand-in moved onto the host's clock by $(sec $((-phc - ${rt% *}))) s"
}

dropin() { grep -rlsE '^refclock +PHC +/dev/ptp_kvm' /etc/chrony/ | head -n 1; }
has_dropin() { [[ -n $(dropin) ]]; }

# Nothing writes the drop-in at image build time (build-image): ptp-kvm-chrony.service must have
# written it at boot, after ptp-kvm-load.service and before chronyd started.
check_chrony_dropin() {
    local unit=ptp-kvm-chrony.service desc="ptp-kvm-chrony.service wrote the chrony drop-in at boot"
    if ! unit_installed $unit; then missing "$desc" $unit; return; fi
    wait_for 60 has_dropin
    local file ran wrote ours chrony_start
    file=$(dropin)
    # One property at a time: systemctl show prints several in its own order, not the asked one.
    ran="$(systemctl show -P Result $unit) $(systemctl show -P ConditionResult $unit)"
    ran+=" $(systemctl show -P ExecMainStatus $unit)"
    wrote=$(journalctl -b -q -o cat -u $unit --no-pager | grep -c "^wrote $file")
    ours=$(systemctl show -P ExecMainExitTimestampMonotonic $unit)
    chrony_start=$(systemctl show -P InactiveExitTimestampMonotonic chrony.service)
    result "$([[ -n $file && $ran == "success yes 0" && $wrote -ge 1 ]] &&
        ((ours > 0 && ours <= chrony_start)); echo $?)" "$desc, before chronyd started"
    diag "$unit: Result ConditionResult ExecMainStatus: $ran; done at ${ours} us," \
        "chrony.service started at ${chrony_start} us"
    diag "$(journalctl -b -q -o cat -u $unit --no-pager | tail -n 3)"
    [[ -n $file ]] && diag "$file: $(grep -v '^#' "$file" | tr '\n' ';')"
}

check_chrony_selected() {
    if [[ -z $(dropin) ]]; then
        missing "chronyc sources shows #* PHC0" "the chrony drop-in"
        return
    fi
    selected() { chronyc -n sources 2>/dev/null | grep -q '^#\* PHC0'; }
    wait_for 120 selected
    result $? "chronyc sources shows #* PHC0"
    diag "$(chronyc -n sources 2>&1 | tail -n 3)"
}

check_rtc_resync() {
    local unit=rtc-resync.service
    if ! unit_installed $unit; then
        missing "$unit is active" $unit
        missing "$unit logged to the journal" $unit
        missing "$unit stands down beside synchronised chronyd" $unit
        return
    fi
    wait_for 30 systemctl -q is-active $unit
    result $? "$unit is active"
    local log; log=$(journalctl -b -q -o cat -u $unit --no-pager)
    # The unit's own lines, not only systemd's "Started …".
    result "$([[ $(grep -vc -e '^Started ' -e '^Starting ' <<<"$log") -gt 0 ]]; echo $?)" \
        "$unit logged to the journal"
    diag "$(tail -n 5 <<<"$log")"
    # Beside a synchronised chronyd it must stand down, which it can only do if its sandbox lets
    # it see chronyd, a process of another user. Measurements come every 60 s by default.
    if chronyc -n sources 2>/dev/null | grep -q '^#\* '; then
        stood_down() { journalctl -b -q -o cat -u $unit --no-pager | grep -q 'standing down'; }
        wait_for 150 stood_down
        result $? "$unit stands down beside synchronised chronyd"
        diag "$(journalctl -b -q -o cat -u $unit --no-pager | grep -iE 'chrony|slew|stand' | tail -n 3)"
    else
        # Not this check's subject: check_chrony_selected has already failed for it.
        skip "$unit stands down beside synchronised chronyd" "chronyd has no selected source"
    fi
}

check_audit() {
    if ! command -v clocksource_audit >/dev/null; then
        missing "clocksource_audit --expect (this guest's scenario) exits 0" clocksource_audit
        missing "clocksource_audit --expect (the other scenario) exits 1" clocksource_audit
        missing "clocksource_audit --prometheus writes textfile metrics" clocksource_audit
        missing "clocksource_audit as a systemd-journal member reads kernel messages from the journal" clocksource_audit
        missing "clocksource_audit as nobody says why it has no kernel messages" clocksource_audit
        return
    fi
    # Under TCG there is no kvm-clock; on a KVM host the same image would be in the other scenario.
    local here=no-kvmclock other=kvmclock rc
    if grep -qw kvm-clock /sys/devices/system/clocksource/clocksource0/available_clocksource; then
        here=kvmclock other=no-kvmclock
    fi
    clocksource_audit --no-measure --expect $here >/tmp/audit.txt 2>&1
    rc=$?
    result "$([[ $rc == 0 ]]; echo $?)" "clocksource_audit --expect $here exits 0"
    ((rc == 0)) || diag "exit $rc: $(tail -n 8 /tmp/audit.txt)"
    clocksource_audit --no-measure --expect $other >/tmp/audit-other.txt 2>&1
    rc=$?
    result "$([[ $rc == 1 ]]; echo $?)" "clocksource_audit --expect $other exits 1 (documented: findings)"
    ((rc == 1)) || diag "exit $rc: $(tail -n 8 /tmp/audit-other.txt)"
    local prom=/tmp/guestclock-audit.prom
    clocksource_audit --no-measure --prometheus $prom >/dev/null 2>&1
    result "$(grep -q '^guestclock_audit_clocksource_current{' $prom 2>/dev/null; echo $?)" \
        "clocksource_audit --prometheus writes textfile metrics"
    # Without root, where Debian's kernel.dmesg_restrict=1 denies the ring buffer: a member of
    # systemd-journal gets this boot's kernel messages from the journal, nobody a reason.
    local journal_gid
    journal_gid=$(getent group systemd-journal | cut -d: -f3)
    setpriv --reuid=nobody --regid=nogroup --groups="$journal_gid" \
        clocksource_audit --no-measure --json >/tmp/audit-journal.json 2>/dev/null
    result "$(grep -q '"source": "journal"' /tmp/audit-journal.json &&
              grep -A1 '"switches": \[$' /tmp/audit-journal.json | grep -q '^ *"'; echo $?)" \
        "clocksource_audit as a systemd-journal member reads kernel messages from the journal"
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        clocksource_audit --no-measure --json >/tmp/audit-nobody.json 2>/dev/null
    result "$(grep -q '"kernel messages: .*dmesg_restrict.*systemd-journal' /tmp/audit-nobody.json; echo $?)" \
        "clocksource_audit as nobody says why it has no kernel messages"
}

# check_pause SECONDS: the host stops the VM for SECONDS; within 3 s of resuming, the guest's
# clock must be back within 100 ms of where it stood against the host's before the pause.
check_pause() {
    local secs=$1 desc="clock right again within 3 s after a $1 s pause"
    if ! unit_installed rtc-resync.service && [[ -z $(dropin) ]]; then
        missing "$desc" "rtc-resync.service and the chrony drop-in"
        return
    fi
    local before paused t0 o=0 elapsed=0 fixed=""
    before=$(best_offset) || { not_ok "$desc (no answer from the host)"; return; }
    paused=$(request "@@PAUSE $secs") || { not_ok "$desc (pause request failed)"; return; }
    t0=$(uptime_ms)
    # The stand-in's "host clock" runs on the guest's own clock, which the pause stopped too: move
    # it on by the pause, as a real host's clock would have moved.
    if [[ -w /sys/module/ptp_kvm/parameters/offset_ns ]]; then
        local cur; cur=$(</sys/module/ptp_kvm/parameters/offset_ns)
        echo $((cur + paused)) >/sys/module/ptp_kvm/parameters/offset_ns
    fi
    # Watch for up to 30 s: the bar is 3 s, but when it is missed, how long it took says why.
    while ((elapsed < 30000)); do
        o=$(host_offset) || break
        elapsed=$(($(uptime_ms) - t0))
        local d=$((${o% *} - ${before% *}))
        if ((${d#-} <= 100000000)); then fixed=$elapsed; break; fi
        sleep 0.2
    done
    # "Right" is relative to where the clock stood before the pause, not to the host's clock:
    # qemu's RTC ticks whole host seconds with edges where qemu started (0-1 s behind the host,
    # tests/vm/README.md), and under TCG the stand-in runs on the guest's own raw clock, whose
    # rate is the guest's calibration. Both offsets to the host are in the diagnostics.
    result "$([[ -n $fixed ]] && ((fixed <= 3000)); echo $?)" "$desc"
    diag "paused $(sec "$paused") s; offset to host before $(sec "${before% *}") s," \
        "after ${fixed:-$elapsed} ms: $(sec "${o% *}") s (round trip $(sec "${o#* }") s)" \
        "${fixed:+(back within 100 ms)}"
    diag "$(journalctl -q -o short-monotonic --since "-40s" --no-pager \
        -u rtc-resync.service -u chrony.service | tail -n 10)"
}

# check_sync_refuses UNIT DESCRIPTION: starting UNIT beside chronyd fails, and its own log says
# why, naming chronyd.
check_sync_refuses() {
    local unit=$1 since active own
    since=$(date +%s)
    timeout 60 systemctl start "$unit"
    sleep 3
    active=$(systemctl show -P ActiveState "$unit")
    # The tool's own lines, not systemd's about the unit: the refusal must name chronyd.
    own=$(journalctl -q -o cat -u "$unit" --since "@$since" --no-pager \
        | grep -vE "^(Starting|Started|Stopped|Failed to start|$unit:) " | head -n 4)
    result "$([[ $active != active ]] && grep -qi chrony <<<"$own"; echo $?)" "$2"
    diag "$unit beside chronyd: $active"$'\n'"$own"
    systemctl stop "$unit"
    systemctl reset-failed "$unit" 2>/dev/null
}

# The image has chrony, so ptp-kvm-sync.service stays off by its condition. Last of all, stop
# chronyd and start the unit anyway: its sandbox (capabilities, devices, system calls) must let
# the servo run, which only a real start shows.
check_sync_sandbox() {
    local unit=ptp-kvm-sync.service desc="ptp-kvm-sync.service runs under its sandbox"
    if ! unit_installed $unit; then missing "$desc" $unit; return; fi
    if [[ ! -e /dev/ptp_kvm ]]; then missing "$desc" "/dev/ptp_kvm, the clock it follows,"; return; fi
    mkdir -p /run/systemd/system/$unit.d
    printf '[Unit]\nConditionPathExists=\n' >/run/systemd/system/$unit.d/image-test.conf
    systemctl daemon-reload
    # First with chronyd running: two servos on one clock fight, so sync must refuse, and it
    # must see chronyd (another user's process) from inside its sandbox to do so.
    if systemctl -q is-active chrony.service; then
        check_sync_refuses $unit "$unit refuses to run beside chronyd, and says so"
        # Again in group nogroup, where hidepid (ProtectProc=invisible) shows it no other
        # process at all: then only systemd's list of running units can name chronyd.
        printf '[Service]\nGroup=nogroup\n' >/run/systemd/system/$unit.d/image-test-nogroup.conf
        systemctl daemon-reload
        check_sync_refuses $unit "$unit refuses beside chronyd when /proc hides it (systemd's units)"
        rm /run/systemd/system/$unit.d/image-test-nogroup.conf
        systemctl daemon-reload
    fi
    systemctl stop chrony.service
    local since; since=$(date +%s)
    timeout 60 systemctl start $unit
    sleep 10
    local state; state=$(systemctl show -P ActiveState $unit)
    local log; log=$(journalctl -q -o cat -u $unit --since "@$since" --no-pager)
    # A denied system call or device shows as EPERM/EACCES in its log, or the unit failing.
    result "$([[ $state == active ]] && ! grep -qiE 'operation not permitted|permission denied' \
        <<<"$log"; echo $?)" "$desc"
    diag "$unit: $state"$'\n'"$(tail -n 6 <<<"$log")"
    systemctl stop $unit
}

# A golden image built on KVM and booted where there is no paravirtual clock: at boot
# ptp-kvm-chrony.service must remove its drop-in, or chronyd would exit on the missing
# /dev/ptp_kvm; once the clock is back, write it again. Played by unloading the stand-in and
# running the unit as boot does (chronyd stopped: check_sync_sandbox ran before).
check_chrony_dropin_follows_clock() {
    local unit=ptp-kvm-chrony.service
    local desc="without a paravirtual PHC $unit removes its drop-in, and writes it back with one"
    if ! unit_installed $unit; then missing "$desc" $unit; return; fi
    if [[ ! -d /sys/module/ptp_kvm || -z $(dropin) ]]; then
        missing "$desc" "ptp_kvm or the drop-in to start from"
        return
    fi
    # The sync test's condition override would let udev start the servo when the clock returns.
    rm -rf /run/systemd/system/ptp-kvm-sync.service.d
    systemctl daemon-reload
    systemctl stop chrony.service ptp-kvm-sync.service
    local gone=1 back=1
    if modprobe -r ptp_kvm && wait_for 10 test ! -e /dev/ptp_kvm; then
        timeout 60 systemctl start $unit
        [[ -z $(dropin) && $(systemctl show -P Result $unit) == success ]] && gone=0
    fi
    if modprobe ptp_kvm && wait_for 10 test -e /dev/ptp_kvm; then
        timeout 60 systemctl start $unit
        [[ -n $(dropin) && $(systemctl show -P Result $unit) == success ]] && back=0
    fi
    result $((gone || back)) "$desc"
    diag "removed: $( ((gone)) && echo no || echo yes), written back: $( ((back)) && echo no || echo yes)"
    diag "$(journalctl -b -q -o cat -u $unit --no-pager | tail -n 4)"
}

# --- the boot's order and timedated (issue 15), in both images ---

# rtc-resync-boot.service: one `rtc_resync once` before time-set.target, so that units waiting
# for a set clock start on one read from the RTC's second edge. In the test image the RTC is
# plausible, so it must have corrected or found nothing to correct (exit 0), not refused.
check_boot_unit_before_time_set() {
    local unit=rtc-resync-boot.service desc="rtc-resync-boot.service ran rtc_resync once before time-set.target"
    if ! unit_installed $unit; then missing "$desc" $unit; return; fi
    local outcome done_at time_set own
    outcome="$(systemctl show -P Result $unit) $(systemctl show -P ExecMainStatus $unit)"
    done_at=$(systemctl show -P ExecMainExitTimestampMonotonic $unit)
    time_set=$(systemctl show -P ActiveEnterTimestampMonotonic time-set.target)
    own=$(journalctl -b -q -o cat -u $unit --no-pager | grep -vE "^(Starting|Started|Finished) ")
    result "$([[ $outcome == "success 0" && -n $own ]] && ((done_at > 0 && done_at <= time_set))
        echo $?)" "$desc, and it succeeded"
    diag "$unit: Result ExecMainStatus: $outcome; done at $done_at us;" \
        "time-set.target reached at $time_set us; enabled: $(systemctl is-enabled $unit 2>&1)"
    diag "$(tail -n 3 <<<"$own")"
}

# Beside the boot's journal (check_no_ordering_cycle), systemd's own verifier on our units and
# everything they pull in: it builds each unit's start transaction and names any cycle.
# sysinit.target's is the boot's early part, where rtc-resync-boot.service is enabled.
check_units_verify_without_cycle() {
    local desc="systemd-analyze verify: our units' and sysinit.target's start transactions have no ordering cycle"
    local units out rc
    units=$(cd /lib/systemd/system && echo rtc-resync*.service ptp-kvm-*.service sysinit.target)
    out=$(cd /lib/systemd/system && systemd-analyze verify --man=no $units 2>&1)
    rc=$?
    result "$([[ $units == *rtc-resync-boot.service* ]] && ((rc == 0)) &&
        ! grep -qi cycle <<<"$out"; echo $?)" "$desc"
    diag "verified: $units (exit $rc)"
    [[ -z $out ]] || diag "$(head -n 8 <<<"$out")"
}

# timedated answers over D-Bus (the image has dbus for it): NTP and NTPSynchronized are yes or
# no. EXPECT_NTP and EXPECT_SYNC, where not "-", are what they must be.
check_timedatectl_show() {
    local expect_ntp=$1 expect_sync=$2 desc="timedatectl show reads NTP and NTPSynchronized"
    if ! command -v timedatectl >/dev/null; then missing "$desc" timedatectl; return; fi
    local ntp sync
    ntp=$(timedatectl show -p NTP --value 2>&1)
    sync=$(timedatectl show -p NTPSynchronized --value 2>&1)
    [[ $expect_ntp != - ]] && desc+=", NTP=$expect_ntp"
    [[ $expect_sync != - ]] && desc+=", NTPSynchronized=$expect_sync"
    result "$([[ $ntp == @(yes|no) && $sync == @(yes|no) ]] &&
        [[ $expect_ntp == - || $ntp == "$expect_ntp" ]] &&
        [[ $expect_sync == - || $sync == "$expect_sync" ]]; echo $?)" "$desc"
    diag "NTP=$ntp NTPSynchronized=$sync"
}
