#!/bin/sh
# vm-kernel: 6.1
# vm-kind: harness
# vm-timeout: 180
# A real chronyd with "refclock PHC /dev/ptp_kvm poll 2" locks to the ptp_kvm stand-in
# ("#* PHC0") and follows an offset injected into it: to a real client, the stand-in behaves
# like ptp_kvm.

load_standin || not_ok "stand-in loaded"
cat >chrony.conf <<CONF
refclock PHC /dev/ptp_kvm poll 2
driftfile $WORKDIR/chrony.drift
CONF
chronyd -d -u root -f "$WORKDIR/chrony.conf" >chronyd.log 2>&1 &

t0=$(date +%s)
if wait_until 90 sh -c 'chronyc -n sources | grep -q "^#\* PHC0"'; then
    ok "chronyd selects the stand-in: '#* PHC0' after $(($(date +%s) - t0)) s"
else
    not_ok "chronyd selects the stand-in ('#* PHC0')"
    chronyc -n sources
    cat chronyd.log
fi
chronyc -n sources

# The host jumps 50 ms ahead: chrony must bring the guest clock along.
standin_set offset_ns 50000000
out=$(vmprobe phc-offset /dev/ptp_kvm)
check_range "right after injecting +50 ms, PHC - system (ms)" \
    "$(awk -v n="$(kv offset_ns "$out")" 'BEGIN { printf "%.3f", n / 1e6 }')" 45 51
phc_near() {
    o=$(kv offset_ns "$(vmprobe phc-offset /dev/ptp_kvm)")
    [ -n "$o" ] && [ "${o#-}" -lt 1000000 ]
}
t0=$(date +%s)
if wait_until 120 phc_near; then
    ok "chronyd follows the injected offset: |PHC - system| < 1 ms after $(($(date +%s) - t0)) s"
else
    not_ok "chronyd follows the injected offset (|PHC - system| < 1 ms within 120 s)"
    chronyc -n sources
    chronyc tracking
fi
chronyc tracking
