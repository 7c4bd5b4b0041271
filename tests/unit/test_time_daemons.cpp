#include "common/hypervisor.h"
#include "common/time_daemons.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>

using namespace guestclock;

TEST_CASE("time daemons are found by their comm names", "[daemons]") {
    TempDir root;
    root.write("proc/412/comm", "chronyd\n");
    root.write("proc/77/comm", "systemd-timesyn\n");
    root.write("proc/9/comm", "bash\n");
    root.write("proc/self/comm", "chronyd\n"); // not a pid: must be ignored
    root.write("proc/1200/comm", "ptp_kvm_helper\n");
    auto daemons = find_time_daemons(SystemFiles(root.path()), 0);
    REQUIRE(daemons.size() == 3);
    REQUIRE(daemons[0].pid == 1200);
    REQUIRE(daemons[0].name == "ptp_kvm_helper");
    REQUIRE(daemons[1].pid == 412);
    REQUIRE(daemons[1].name == "chronyd");
    REQUIRE(daemons[2].name == "systemd-timesyncd");
    // A process never finds itself: ptp_kvm_helper sync must not refuse to run beside itself.
    REQUIRE(find_time_daemons(SystemFiles(root.path()), 1200).size() == 2);
    // rtc_resync is not one: the more precise PHC servo may run beside it.
    root.write("proc/78/comm", "rtc_resync\n");
    REQUIRE(find_time_daemons(SystemFiles(root.path()), 1200).size() == 2);
}

TEST_CASE("an NTP server shows as a UDP socket on local port 123", "[daemons]") {
    const char* header =
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n";
    const std::string client =
        std::string(header) +
        "  44: 0100007F:0143 00000000:0000 07 00000000:00000000 00:00000000 00000000 0\n";
    const std::string server =
        client + " 120: 00000000:007B 00000000:0000 07 00000000:00000000 00:00000000 00000000 0\n";
    REQUIRE_FALSE(udp_table_has_ntp_server(client));
    REQUIRE(udp_table_has_ntp_server(server));
    // IPv6 table, and truncated input that must not be misread.
    REQUIRE(udp_table_has_ntp_server(std::string(header) +
                                     "  1: 00000000000000000000000000000000:007B 000:0000 07\n"));
    REQUIRE_FALSE(udp_table_has_ntp_server(std::string(header) + "  1: 00000000:007"));
    REQUIRE_FALSE(udp_table_has_ntp_server(""));
}

TEST_CASE("hypervisor signatures classify", "[hypervisor]") {
    REQUIRE(classify_hypervisor_signature("KVMKVMKVM") == Hypervisor::kvm);
    REQUIRE(classify_hypervisor_signature("Microsoft Hv") == Hypervisor::hyperv);
    REQUIRE(classify_hypervisor_signature("TCGTCGTCGTCG") == Hypervisor::tcg);
    REQUIRE(classify_hypervisor_signature("") == Hypervisor::none);
    REQUIRE(classify_hypervisor_signature("bhyve bhyve ") == Hypervisor::other);
    REQUIRE(hypervisor_name(Hypervisor::vmware) == "vmware");
}
