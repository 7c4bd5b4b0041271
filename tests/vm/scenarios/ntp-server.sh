#!/bin/sh
# vm-net: ntp
# vm-timeout: 90
# vm-kind: harness
# Harness self-check of "# vm-net: ntp": the host's chronyd, serving NTP in a network namespace
# of its own, is reachable at $NTP_SERVER over the guest's virtio-net, and a guest chronyd
# polling it every second synchronises to it ("^*").

check "the harness names the NTP server (\$NTP_SERVER=$NTP_SERVER)" test -n "$NTP_SERVER"
# chrony 4.3 polls at most every 2^-6 s; -2/0 keeps the exchange short and iburst starts it.
cat >chrony.conf <<CONF
server $NTP_SERVER iburst minpoll -2 maxpoll 0
driftfile $WORKDIR/chrony.drift
CONF
chronyd -d -u root -f "$WORKDIR/chrony.conf" >chronyd.log 2>&1 &

t0=$(uptime_s)
if wait_until 20 sh -c 'chronyc -n sources | grep -q "^\^\*"'; then
    ok "chronyd synchronises to the host's NTP server ('^*') after $(($(uptime_s) - t0)) s"
else
    not_ok "chronyd synchronises to the host's NTP server ('^*') within 20 s"
    cat chronyd.log
fi
chronyc -n sources
check "chronyc reaches chronyd over UDP on 127.0.0.1" chronyc -h 127.0.0.1 -n tracking
