// libFuzzer target: what /proc tells about other processes (comm, our own cgroup, the UDP
// socket table), the unit names systemd reports and ntp-units.d's lists, from which we decide
// to stand down.
#include "common/ntp_units.h"
#include "common/systemd_units.h"
#include "common/time_daemons.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace guestclock;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)is_time_daemon_comm(text);
    (void)time_daemon_of_unit(text);
    const std::string unit = unit_from_cgroup(text);
    (void)time_daemon_of_unit(unit);
    const auto listed = parse_ntp_unit_list(text);
    for (const auto& name : listed)
        (void)time_daemon_of_unit(name, listed);
    (void)udp_table_has_ntp_server(text);
    return 0;
}
