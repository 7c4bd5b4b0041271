#include "common/hypervisor.h"
#include "common/ntp_units.h"
#include "common/time_daemons.h"
#include "tests/fakes/fake_unit_lister.h"
#include "tests/unit/temp_dir.h"

#include <algorithm>
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

TEST_CASE("time-daemon units are recognised by name, chrony-wait.service is not one", "[daemons]") {
    REQUIRE(time_daemon_of_unit("chrony.service") == "chronyd");
    REQUIRE(time_daemon_of_unit("chronyd.service") == "chronyd");
    REQUIRE(time_daemon_of_unit("ntp.service") == "ntpd");
    REQUIRE(time_daemon_of_unit("ntpsec.service") == "ntpd");
    REQUIRE(time_daemon_of_unit("openntpd.service") == "openntpd");
    REQUIRE(time_daemon_of_unit("systemd-timesyncd.service") == "systemd-timesyncd");
    REQUIRE(time_daemon_of_unit("ptp-kvm-sync.service") == "ptp_kvm_helper");
    REQUIRE(time_daemon_of_unit("phc2sys.service") == "phc2sys");
    REQUIRE(time_daemon_of_unit("phc2sys@eth0.service") == "phc2sys");
    REQUIRE(time_daemon_of_unit("phc2sys-ptp_kvm.service") == "phc2sys");
    REQUIRE(time_daemon_of_unit("ptp4l@eth0.service") == "ptp4l");
    // Helpers beside the daemons, and look-alikes, are not time daemons.
    REQUIRE_FALSE(time_daemon_of_unit("chrony-wait.service"));
    REQUIRE_FALSE(time_daemon_of_unit("ntpsec-rotate-stats.service"));
    REQUIRE_FALSE(time_daemon_of_unit("phc2sysfoo.service"));
    REQUIRE_FALSE(time_daemon_of_unit("phc2sys@eth0.timer"));
    REQUIRE_FALSE(time_daemon_of_unit("rtc-resync.service"));
    REQUIRE_FALSE(time_daemon_of_unit("ptp-kvm-load.service"));
    REQUIRE_FALSE(time_daemon_of_unit(""));
    // Every unit the table names is among the patterns systemd is asked about.
    FakeUnitLister fake;
    fake.units = {{"chrony.service", "active", "running"},
                  {"phc2sys@eth0.service", "active", "running"},
                  {"chrony-wait.service", "active", "exited"},
                  {"ssh.service", "active", "running"}};
    auto listed = fake.list_units(time_daemon_unit_patterns());
    REQUIRE(listed->size() == 2);
}

TEST_CASE("only units whose daemon runs or starts count", "[daemons]") {
    REQUIRE(unit_is_running({"chrony.service", "active", "running"}));
    REQUIRE(unit_is_running({"chrony.service", "reloading", "reload"}));
    REQUIRE(unit_is_running({"ptp-kvm-sync.service", "activating", "start"}));
    REQUIRE(unit_is_running({"chrony.service", "activating", "start-post"}));
    REQUIRE_FALSE(unit_is_running({"chrony.service", "activating", "start-pre"}));
    REQUIRE_FALSE(unit_is_running({"phc2sys@eth0.service", "activating", "auto-restart"}));
    REQUIRE_FALSE(unit_is_running({"chrony.service", "inactive", "dead"}));
    REQUIRE_FALSE(unit_is_running({"chrony.service", "failed", "failed"}));
    REQUIRE_FALSE(unit_is_running({"chrony.service", "deactivating", "stop-sigterm"}));
    REQUIRE_FALSE(unit_is_running({"ntp.service", "active", "exited"}));
}

TEST_CASE("running time-daemon units, each daemon once, never our own unit", "[daemons]") {
    const std::vector<UnitState> units{{"chrony.service", "active", "running"},
                                       {"chronyd.service", "active", "running"},
                                       {"ntpsec.service", "failed", "failed"},
                                       {"phc2sys@eth0.service", "activating", "auto-restart"},
                                       {"phc2sys@ptp_kvm.service", "active", "running"},
                                       {"ptp-kvm-sync.service", "activating", "start"},
                                       {"ssh.service", "active", "running"}};
    auto daemons = time_daemons_in_units(units, "");
    REQUIRE(daemons.size() == 3);
    REQUIRE(daemons[0].name == "chronyd");
    REQUIRE(daemons[0].unit == "chrony.service");
    REQUIRE(daemons[0].pid == 0);
    REQUIRE(daemons[1].name == "phc2sys");
    REQUIRE(daemons[1].unit == "phc2sys@ptp_kvm.service");
    REQUIRE(daemons[2].name == "ptp_kvm_helper");
    // ptp_kvm_helper sync inside ptp-kvm-sync.service must not refuse to run beside itself.
    daemons = time_daemons_in_units(units, "ptp-kvm-sync.service");
    REQUIRE(daemons.size() == 2);
    REQUIRE(daemons.back().name == "phc2sys");
}

TEST_CASE("both sources merge: /proc's pid, systemd's unit, the hidden ones added", "[daemons]") {
    const std::vector<TimeDaemon> proc{{230, "chronyd"}, {77, "phc2sys"}};
    const std::vector<TimeDaemon> units{{0, "chronyd", "chrony.service"},
                                        {0, "ntpd", "ntpsec.service"}};
    auto merged = merge_time_daemons(proc, units);
    REQUIRE(merged.size() == 3);
    REQUIRE(merged[0].pid == 230);
    REQUIRE(merged[0].unit == "chrony.service");
    REQUIRE(merged[1].pid == 77);
    REQUIRE(merged[1].unit.empty());
    REQUIRE(merged[2].pid == 0);
    REQUIRE(merged[2].name == "ntpd");
    REQUIRE(merged[2].unit == "ntpsec.service");
    REQUIRE(merge_time_daemons({}, {}).empty());
    REQUIRE(merge_time_daemons(proc, {}).size() == 2);
    REQUIRE(merge_time_daemons({}, units).size() == 2);
}

TEST_CASE("a daemon /proc hides is still found through systemd; no systemd leaves /proc's",
          "[daemons]") {
    TempDir root;
    root.write("proc/9/comm", "bash\n"); // hidepid: chronyd's /proc/230 is not there
    FakeUnitLister systemd;
    systemd.units = {{"chrony.service", "active", "running"},
                     {"rtc-resync.service", "active", "running"}};
    auto daemons = find_time_daemons(SystemFiles(root.path()), &systemd, 0, "rtc-resync.service");
    REQUIRE(systemd.calls == 1);
    REQUIRE(daemons.size() == 1);
    REQUIRE(daemons[0].name == "chronyd");
    REQUIRE(daemons[0].unit == "chrony.service");

    // No systemd (busybox init): the /proc result alone, and no failure.
    root.write("proc/230/comm", "chronyd\n");
    systemd.failure = ENOENT;
    daemons = find_time_daemons(SystemFiles(root.path()), &systemd, 0, "");
    REQUIRE(daemons.size() == 1);
    REQUIRE(daemons[0].pid == 230);
    REQUIRE(daemons[0].unit.empty());

    // No /proc to read either: nothing found, still no failure.
    REQUIRE(find_time_daemons(SystemFiles(root.path() / "missing"), &systemd, 0, "").empty());
    // A fixture tree is never compared with this machine's systemd.
    REQUIRE(find_time_daemons(SystemFiles(root.path()), 0).size() == 1);
    REQUIRE_FALSE(SystemFiles(root.path()).is_this_machine());
    REQUIRE(SystemFiles("/").is_this_machine());
}

TEST_CASE("our own unit comes from our cgroup file, v2 or v1", "[daemons]") {
    REQUIRE(unit_from_cgroup("0::/system.slice/ptp-kvm-sync.service\n") == "ptp-kvm-sync.service");
    // Nested below the unit (a unit's own sub-cgroups), and deeper slices.
    REQUIRE(unit_from_cgroup("0::/system.slice/system-phc2sys.slice/phc2sys@eth0.service/x\n") ==
            "phc2sys@eth0.service");
    REQUIRE(unit_from_cgroup("0::/user.slice/user-0.slice/session-3.scope\n") == "session-3.scope");
    // cgroup v1: the name=systemd hierarchy; the unified line wins where both are.
    const char* v1 = "12:cpu,cpuacct:/system.slice/rtc-resync.service\n"
                     "1:name=systemd:/system.slice/rtc-resync.service\n";
    REQUIRE(unit_from_cgroup(v1) == "rtc-resync.service");
    REQUIRE(unit_from_cgroup(std::string("1:name=systemd:/system.slice/a.service\n") +
                             "0::/system.slice/b.service\n") == "b.service");
    // No systemd (the VM tier's busybox init), the root cgroup, only slices, garbage.
    REQUIRE(unit_from_cgroup("0::/\n").empty());
    REQUIRE(unit_from_cgroup("0::/init.scope") == "init.scope"); // no final newline
    REQUIRE(unit_from_cgroup("0::/system.slice\n").empty());
    REQUIRE(unit_from_cgroup("").empty());
    REQUIRE(unit_from_cgroup("garbage\n3:cpu:/x.service\n").empty());
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

TEST_CASE("ntp-units.d lists: one unit a line, comments and blanks skipped", "[daemons]") {
    const auto units = parse_ntp_unit_list("# ours\n\nchrony.service\n  ntpsec.service \r\n#x\n");
    REQUIRE(units == std::vector<std::string>{"chrony.service", "ntpsec.service"});
    REQUIRE(parse_ntp_unit_list("").empty());
    REQUIRE(parse_ntp_unit_list("last.service").size() == 1);
}

TEST_CASE("ntp-units.d: every directory read, /etc's file masks the package's", "[daemons]") {
    TempDir root;
    root.write("usr/lib/systemd/ntp-units.d/50-chrony.list", "chrony.service\n");
    root.write("usr/lib/systemd/ntp-units.d/60-tick.list", "tickd.service\n");
    root.write("usr/lib/systemd/ntp-units.d/README", "not-a-list.service\n");
    root.write("run/systemd/ntp-units.d/70-other.list", "otherd.service\nchrony.service\n");
    REQUIRE(ntp_units_listed(SystemFiles(root.path())) ==
            std::vector<std::string>{"chrony.service", "tickd.service", "otherd.service"});
    root.write("etc/systemd/ntp-units.d/60-tick.list", ""); // masked by the administrator
    REQUIRE(ntp_units_listed(SystemFiles(root.path())) ==
            std::vector<std::string>{"chrony.service", "otherd.service"});
    REQUIRE(ntp_units_listed(SystemFiles(root.path() / "missing")).empty());
}

TEST_CASE("a unit ntp-units.d lists is a time daemon even when we do not know it", "[daemons]") {
    const std::vector<std::string> listed{"tickd.service", "chrony.service", "odd*.service",
                                          "tock.timer"};
    REQUIRE_FALSE(time_daemon_of_unit("tickd.service"));
    REQUIRE(time_daemon_of_unit("tickd.service", listed) == "tickd");
    REQUIRE(time_daemon_of_unit("chrony.service", listed) == "chronyd");
    REQUIRE_FALSE(time_daemon_of_unit("odd*.service", listed));
    REQUIRE_FALSE(time_daemon_of_unit("tock.timer", listed));
    REQUIRE_FALSE(time_daemon_of_unit("ssh.service", listed));
    const auto patterns = time_daemon_unit_patterns(listed);
    REQUIRE(std::ranges::count(patterns, "tickd.service") == 1);
    REQUIRE(std::ranges::count(patterns, "chrony.service") == 1);
    REQUIRE(std::ranges::count(patterns, "odd*.service") == 0);

    // Through systemd, as find_time_daemons asks it: the listed unit is found running.
    TempDir root;
    root.write("proc/9/comm", "bash\n");
    root.write("usr/lib/systemd/ntp-units.d/60-tick.list", "tickd.service\n");
    FakeUnitLister systemd;
    systemd.units = {{"tickd.service", "active", "running"}};
    const auto daemons = find_time_daemons(SystemFiles(root.path()), &systemd, 0, "");
    REQUIRE(daemons.size() == 1);
    REQUIRE(daemons[0].name == "tickd");
    REQUIRE(daemons[0].unit == "tickd.service");
}
