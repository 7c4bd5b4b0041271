#include "common/result.h"

#include <cstring>

namespace guestclock {

std::string Error::message() const {
    if (errno_value == 0) return context;
    return context + ": " + std::strerror(errno_value);
}

bool Error::is_not_supported() const {
    return errno_is_not_supported(errno_value);
}

bool errno_is_not_supported(int errno_value) {
    switch (errno_value) {
    case EOPNOTSUPP:
    case ENOTTY:
    case ENOSYS:
    case EINVAL:
    case ENODEV:
        return true;
    default:
        return false;
    }
}

} // namespace guestclock
