// One error convention for every device boundary: a value or an Error that keeps errno.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <utility>

namespace guestclock {

struct Error {
    int errno_value = 0; // 0 when the failure is not a system call's (e.g. a parse error)
    std::string context; // what was being attempted, e.g. "PTP_SYS_OFFSET_PRECISE on /dev/ptp0"

    // "context: strerror" — the one line a tool logs.
    std::string message() const;
    // A feature the kernel or device lacks, not a fault: such a result chooses a fallback.
    bool is_not_supported() const;
};

template <class T> using Result = std::expected<T, Error>;

// For functions that only succeed or fail.
using Status = Result<void>;

inline std::unexpected<Error> fail(int errno_value, std::string context) {
    return std::unexpected<Error>{Error{errno_value, std::move(context)}};
}

// Captures errno right after a failed system call.
inline std::unexpected<Error> fail_errno(std::string context) {
    return fail(errno, std::move(context));
}

// The errnos by which the kernel says "this device or kernel cannot do that", as systemd's
// ERRNO_IS_NOT_SUPPORTED groups them; ioctls answer EINVAL or ENOTTY for unknown requests.
bool errno_is_not_supported(int errno_value);

} // namespace guestclock
