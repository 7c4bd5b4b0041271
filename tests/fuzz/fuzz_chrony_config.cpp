// libFuzzer target: chrony's main configuration file, which we read to find confdir and the
// directives that would override our drop-in. It is the administrator's, not ours: any text.
#include "ptp_kvm_helper/chrony_config.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto config = guestclock::parse_chrony_config(text);
    for (const auto& directive : config)
        if (directive.name.empty() || directive.line < 1) std::abort();
    (void)guestclock::drop_in_directory(config);
    (void)guestclock::overriding_directives(config, "makestep");
    return 0;
}
