#!/bin/sh
# vm-kind: harness
# The guest runs the real tools, not busybox look-alikes: sh is bash, hwclock is util-linux's,
# modprobe is kmod's, also when run through timeout or env (busybox prefers its own applets).

check "sh is bash" sh -c 'test -n "$BASH_VERSION"'
check "hwclock is util-linux's" sh -c 'hwclock --version | grep -q util-linux'
check "timeout runs util-linux hwclock" sh -c 'timeout 5 hwclock --version | grep -q util-linux'
check "modprobe is kmod's" sh -c 'modprobe --version | grep -q kmod'
check "env runs kmod" sh -c 'env modprobe --version | grep -q kmod'
check "date knows %N" sh -c 'date +%N | grep -qE "^[0-9]{9}$"'
