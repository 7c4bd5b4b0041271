#include "common/kernel_log.h"

#include <memory>
#include <string_view>
#include <sys/klog.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

namespace guestclock {

namespace {

// syslog(2) actions; glibc does not name them.
constexpr int kSyslogActionReadAll = 3;
constexpr int kSyslogActionSizeBuffer = 10;

struct JournalCloser {
    void operator()(sd_journal* journal) const { sd_journal_close(journal); }
};

std::string ring_buffer_denial(const Error& error) {
    if (error.errno_value == EPERM || error.errno_value == EACCES)
        return "the kernel ring buffer is denied to this user (kernel.dmesg_restrict=1 needs "
               "CAP_SYSLOG)";
    return error.message();
}

} // namespace

Result<KernelLog> read_kernel_log(const KernelLogReader& ring_buffer,
                                  const KernelLogReader& journal) {
    auto ring = ring_buffer();
    if (ring) return KernelLog{std::move(*ring), "kernel ring buffer"};
    auto from_journal = journal();
    if (from_journal && !from_journal->empty())
        return KernelLog{std::move(*from_journal), "journal"};
    const std::string why_not_journal =
        from_journal ? "no journal this user may read holds this boot's kernel messages (the "
                       "system journal needs group adm or systemd-journal)"
                     : from_journal.error().message();
    return fail(ring.error().errno_value, "kernel messages: " + ring_buffer_denial(ring.error()) +
                                              ", and " + why_not_journal);
}

Result<std::string> read_kernel_ring_buffer() {
    const int size = klogctl(kSyslogActionSizeBuffer, nullptr, 0);
    if (size < 0) return fail_errno("klogctl SIZE_BUFFER");
    std::string buffer(static_cast<size_t>(size), '\0');
    const int n = klogctl(kSyslogActionReadAll, buffer.data(), size);
    if (n < 0) return fail_errno("klogctl READ_ALL");
    buffer.resize(static_cast<size_t>(n));
    return buffer;
}

Result<std::string> read_kernel_journal() {
    sd_journal* raw = nullptr;
    if (int r = sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM); r < 0)
        return fail(-r, "opening the journal");
    const std::unique_ptr<sd_journal, JournalCloser> journal(raw);
    sd_id128_t boot;
    if (int r = sd_id128_get_boot(&boot); r < 0) return fail(-r, "reading this boot's ID");
    char boot_hex[SD_ID128_STRING_MAX];
    const std::string boot_match = std::string("_BOOT_ID=") + sd_id128_to_string(boot, boot_hex);
    if (int r = sd_journal_add_match(journal.get(), boot_match.data(), 0); r < 0)
        return fail(-r, "matching this boot in the journal");
    if (int r = sd_journal_add_match(journal.get(), "_TRANSPORT=kernel", 0); r < 0)
        return fail(-r, "matching kernel messages in the journal");

    constexpr std::string_view kField = "MESSAGE=";
    std::string text;
    while (true) {
        const int r = sd_journal_next(journal.get());
        if (r < 0) return fail(-r, "reading the journal");
        if (r == 0) break;
        const void* data = nullptr;
        size_t length = 0;
        if (sd_journal_get_data(journal.get(), "MESSAGE", &data, &length) < 0) continue;
        std::string_view field(static_cast<const char*>(data), length);
        if (field.starts_with(kField)) field.remove_prefix(kField.size());
        text.append(field).push_back('\n');
    }
    return text;
}

} // namespace guestclock
