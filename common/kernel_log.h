// The kernel's messages of this boot, from the ring buffer where this process may read it, else
// from the journal: kernel.dmesg_restrict=1 (Debian's default) denies the ring buffer to users
// without CAP_SYSLOG, while members of adm and systemd-journal may read the system journal.
#pragma once

#include "common/result.h"

#include <functional>
#include <string>

namespace guestclock {

struct KernelLog {
    std::string text;   // one message per line
    std::string source; // "kernel ring buffer" or "journal"
};

using KernelLogReader = std::function<Result<std::string>()>;

// The ring buffer's text, else the journal's; the error names both and why each failed.
Result<KernelLog> read_kernel_log(const KernelLogReader& ring_buffer,
                                  const KernelLogReader& journal);

Result<std::string> read_kernel_ring_buffer();

// This boot's kernel messages in the local journal; empty when no journal file this user may
// read holds any (sd-journal skips files it cannot open).
Result<std::string> read_kernel_journal();

} // namespace guestclock
