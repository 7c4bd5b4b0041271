// libFuzzer target: durations, times and numbers as operators type them on a command line or
// in a configuration file, and the last-good-time file a crash may have left half written.
#include "common/plausible_time.h"
#include "common/time_arguments.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace guestclock;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto duration = parse_duration(text); duration && *duration < 0) std::abort();
    // Accepted times are printed in reports and logs.
    if (auto time = parse_utc_time(text)) (void)iso_utc(*time);
    if (auto ceiling = parse_max_offline(text); ceiling && *ceiling && **ceiling <= 0) std::abort();
    if (auto last_good = parse_last_good(text)) (void)iso_utc(*last_good);
    (void)parse_build_date(text);
    return 0;
}
