#!/bin/sh
# vm-kernel: 7
# vm-qemu: -device vmclock
# vm-kind: harness
# Harness self-check: snapshot-revert with qemu's vmclock device, whose disruption_marker must
# change when the snapshot is loaded.
EXPECT_VMCLOCK=yes
. /vm/scenarios/snapshot-revert.sh
