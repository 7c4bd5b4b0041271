#include "clocksource_audit/findings.h"
#include "clocksource_audit/report.h"
#include "clocksource_audit/vmclock_inventory.h"
#include "tests/fakes/fake_device_finder.h"
#include "tests/fakes/fake_vmclock.h"
#include "tests/unit/temp_dir.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>

using namespace guestclock;

namespace {

constexpr const char* kRelease = "7.3.4+deb13-amd64";

// A guest whose hypervisor offers the page, with the given driver state and nodes.
struct VmclockGuest {
    TempDir root;
    FakeDeviceFinder devices;
    VmclockPage page = FakeVmclock::synchronized_page();
    std::optional<int> open_errno;
    std::vector<std::string> opened;

    VmclockGuest() {
        root.write("sys/bus/acpi/devices/AMZNC10C:00/modalias", "acpi:AMZNC10C:VMCLOCK:\n");
        root.write("sys/bus/acpi/devices/PNP0B00:00/modalias", "acpi:PNP0B00:\n");
        root.write("proc/sys/kernel/osrelease", std::string(kRelease) + "\n");
    }
    void ship_module() {
        root.write(std::string("lib/modules/") + kRelease + "/modules.dep",
                   "kernel/drivers/ptp/ptp_kvm.ko.xz:\n"
                   "kernel/drivers/ptp/ptp_vmclock.ko.xz:\n");
    }
    void load_module() { root.write("sys/module/ptp_vmclock/refcnt", "0\n"); }
    void add_node(const std::string& sysname, std::filesystem::perms perms) {
        DeviceInfo device;
        device.subsystem = "misc";
        device.sysname = sysname;
        device.devnode = "/dev/" + sysname;
        devices.devices.push_back(device);
        root.write("dev/" + sysname, "");
        std::filesystem::permissions(root.path() / "dev" / sysname, perms);
    }
    VmclockInventory inventory(std::vector<std::string>& problems) {
        const SystemFiles files(root.path());
        return take_vmclock_inventory(
            files, devices,
            [this](const std::string& path) -> Result<std::unique_ptr<Vmclock>> {
                opened.push_back(path);
                if (open_errno) return fail(*open_errno, "open " + path);
                auto fake = std::make_unique<FakeVmclock>();
                fake->device_path = path;
                fake->page = page;
                return fake;
            },
            problems);
    }
};

using std::filesystem::perms;

std::vector<Finding> findings_for(const VmclockInventory& vmclock) {
    Inventory inv;
    inv.architecture = kX86_64; // a kvm-clock guest, wherever the tests run
    inv.clocksources = {"kvm-clock", {"kvm-clock", "tsc"}};
    inv.rtcs.push_back({"/dev/rtc0", "rtc0", "rtc_cmos", "", {}, true, {}});
    inv.vmclock = vmclock;
    return assess({inv, {}, std::nullopt});
}

// A copy: the findings are often a temporary that is gone by the next statement.
std::optional<Finding> find(const std::vector<Finding>& findings, std::string_view id) {
    auto it = std::ranges::find_if(findings, [&](const Finding& f) { return f.id == id; });
    if (it == findings.end()) return std::nullopt;
    return *it;
}

bool any_vmclock_finding(const std::vector<Finding>& findings) {
    return std::ranges::any_of(findings,
                               [](const Finding& f) { return f.id.starts_with("vmclock-"); });
}

VmclockNode readable_node(VmclockPage page) {
    VmclockNode node;
    node.devnode = "/dev/vmclock0";
    node.mode = 0640;
    node.gid = 997;
    node.group = "vmclock";
    node.page = page;
    return node;
}

} // namespace

TEST_CASE("audit vmclock inventory: offered, driver shipped and loaded, page read",
          "[audit][vmclock]") {
    VmclockGuest guest;
    guest.ship_module();
    guest.load_module();
    guest.add_node("vmclock0", perms::owner_read | perms::owner_write | perms::group_read);
    guest.page.disruption_marker = 2;
    std::vector<std::string> problems;
    const auto v = guest.inventory(problems);
    CHECK(problems.empty());
    CHECK(v.acpi_devices == std::vector<std::string>{"AMZNC10C:00"});
    CHECK(v.kernel_release == kRelease);
    CHECK(v.module_in_kernel);
    CHECK(v.module_loaded);
    REQUIRE(v.nodes.size() == 1);
    CHECK(guest.opened == std::vector<std::string>{"/dev/vmclock0"});
    CHECK(v.nodes[0].mode == 0640);
    REQUIRE(v.nodes[0].page);
    CHECK(v.nodes[0].page->disruption_marker == 2);
}

TEST_CASE("audit vmclock inventory: an unreadable page is a problem of its node",
          "[audit][vmclock]") {
    VmclockGuest guest;
    guest.add_node("vmclock0", perms::owner_read);
    guest.open_errno = EACCES;
    std::vector<std::string> problems;
    const auto v = guest.inventory(problems);
    REQUIRE(v.nodes.size() == 1);
    CHECK_FALSE(v.nodes[0].page);
    CHECK(v.nodes[0].problem.find("/dev/vmclock0") != std::string::npos);
    CHECK(vmclock_root_only(v.nodes[0]));
    CHECK_FALSE(v.module_in_kernel); // no modules.dep in the tree
}

TEST_CASE("audit vmclock inventory: nothing offered, nothing found", "[audit][vmclock]") {
    TempDir root;
    FakeDeviceFinder devices;
    std::vector<std::string> problems;
    const auto v = take_vmclock_inventory(SystemFiles(root.path()), devices, {}, problems);
    CHECK(v.acpi_devices.empty());
    CHECK(v.nodes.empty());
    CHECK(problems.empty());
    CHECK(findings_for(v).empty());
}

TEST_CASE("audit vmclock findings: a page offered but no device, by driver state",
          "[audit][vmclock]") {
    VmclockInventory v;
    v.acpi_devices = {"AMZNC10C:00"};
    v.kernel_release = "6.1.0-28-amd64";
    const auto missing = find(findings_for(v), "vmclock-driver-missing");
    REQUIRE(missing);
    CHECK(missing->severity == Severity::warning);
    CHECK(missing->message.find("6.1.0-28-amd64") != std::string::npos);

    v.module_in_kernel = true;
    CHECK(find(findings_for(v), "vmclock-not-loaded"));
    CHECK(find(findings_for(v), "vmclock-not-loaded")->remedy.find("modprobe ptp_vmclock") !=
          std::string::npos);

    v.module_loaded = true;
    CHECK(find(findings_for(v), "vmclock-no-device"));

    v.nodes.push_back(readable_node(FakeVmclock::synchronized_page()));
    CHECK_FALSE(any_vmclock_finding(findings_for(v))); // a healthy page: nothing to say
}

TEST_CASE("audit vmclock findings: the host's clock status", "[audit][vmclock]") {
    VmclockInventory v;
    VmclockPage page = FakeVmclock::synchronized_page();
    page.clock_status = static_cast<std::uint8_t>(VmclockStatus::unreliable);
    v.nodes.push_back(readable_node(page));
    CHECK(find(findings_for(v), "vmclock-host-unreliable")->severity == Severity::warning);

    v.nodes[0].page->clock_status = static_cast<std::uint8_t>(VmclockStatus::free_running);
    CHECK(find(findings_for(v), "vmclock-host-free-running")->severity == Severity::info);
    CHECK_FALSE(find(findings_for(v), "vmclock-host-unreliable"));

    v.nodes[0].page->clock_status = static_cast<std::uint8_t>(VmclockStatus::unknown);
    CHECK_FALSE(any_vmclock_finding(findings_for(v))); // QEMU's: no claim either way
}

TEST_CASE("audit vmclock findings: root-only nodes", "[audit][vmclock]") {
    VmclockInventory v;
    v.nodes.push_back(readable_node(FakeVmclock::synchronized_page()));
    v.nodes[0].mode = 0600;
    const auto root_only = find(findings_for(v), "vmclock-root-only");
    REQUIRE(root_only);
    CHECK(root_only->message.find("0600") != std::string::npos);
    CHECK(root_only->remedy.find("60-guestclock-vmclock.rules") != std::string::npos);

    v.nodes[0].mode = 0640;
    v.nodes[0].gid = 0; // group read for root's group is still root only
    CHECK(find(findings_for(v), "vmclock-root-only"));
    v.nodes[0].mode = 0644;
    CHECK_FALSE(find(findings_for(v), "vmclock-root-only"));
    v.nodes[0].mode.reset(); // stat failed: no claim
    CHECK_FALSE(find(findings_for(v), "vmclock-root-only"));
}

TEST_CASE("audit vmclock findings: announced maintenance", "[audit][vmclock]") {
    VmclockInventory v;
    VmclockPage page = FakeVmclock::synchronized_page();
    page.flags = vmclock_flag::disruption_soon;
    v.nodes.push_back(readable_node(page));
    CHECK(find(findings_for(v), "vmclock-disruption-soon")->severity == Severity::info);
    v.nodes[0].page->flags |= vmclock_flag::disruption_imminent;
    CHECK(find(findings_for(v), "vmclock-disruption-imminent")->severity == Severity::warning);
    CHECK_FALSE(find(findings_for(v), "vmclock-disruption-soon"));
}

TEST_CASE("audit vmclock report: JSON, text and metrics show the page", "[audit][vmclock]") {
    AuditReport report;
    SECTION("absent: null, none, present 0") {
        CHECK(format_json_report(report)["vmclock"].is_null());
        CHECK(format_text_report(report).find("vmclock             none") != std::string::npos);
        CHECK(format_metrics(report).text().find("guestclock_audit_vmclock_present 0") !=
              std::string::npos);
    }
    SECTION("a page") {
        VmclockPage page = FakeVmclock::synchronized_page();
        page.disruption_marker = 3;
        page.flags =
            vmclock_flag::time_maxerror_valid | vmclock_flag::vm_generation_counter_present;
        page.time_maxerror_nanosec = 250'000;
        page.vm_generation_counter = 5;
        report.inventory.vmclock.acpi_devices = {"AMZNC10C:00"};
        report.inventory.vmclock.nodes.push_back(readable_node(page));

        const auto json = format_json_report(report)["vmclock"];
        CHECK(json["acpi_devices"][0] == "AMZNC10C:00");
        const auto& device = json["devices"][0];
        CHECK(device["device"] == "/dev/vmclock0");
        CHECK(device["mode"] == "0640");
        CHECK(device["root_only"] == false);
        CHECK(device["problem"].is_null());
        CHECK(device["page"]["version"] == 1);
        CHECK(device["page"]["counter_id"] == 255);
        CHECK(device["page"]["counter"] == "none");
        CHECK(device["page"]["clock_status_name"] == "synchronized");
        CHECK(device["page"]["disruption_marker"] == 3);
        CHECK(device["page"]["vm_generation_counter"] == 5);
        CHECK(device["page"]["flag_names"] ==
              nlohmann::json{"time-maxerror-valid", "vm-generation-counter-present"});

        const auto text = format_text_report(report);
        CHECK(text.find("/dev/vmclock0 (mode 0640, group vmclock)") != std::string::npos);
        CHECK(text.find("synchronized; disruption marker 3; generation counter 5") !=
              std::string::npos);

        const auto metrics = format_metrics(report).text();
        CHECK(metrics.find("guestclock_audit_vmclock_present 1") != std::string::npos);
        CHECK(metrics.find("guestclock_audit_vmclock_clock_status{device=\"/dev/vmclock0\"} 2") !=
              std::string::npos);
        CHECK(metrics.find(
                  "guestclock_audit_vmclock_disruption_marker{device=\"/dev/vmclock0\"} 3") !=
              std::string::npos);
        CHECK(metrics.find("guestclock_audit_vmclock_time_maxerror_seconds{device=\"/dev/"
                           "vmclock0\"} 0.00025") != std::string::npos);
        // Not vouched for by the host: no sample at all rather than a made-up zero.
        CHECK(metrics.find("guestclock_audit_vmclock_time_esterror_seconds{") == std::string::npos);
    }
    SECTION("a node that could not be read") {
        VmclockNode node;
        node.devnode = "/dev/vmclock0";
        node.problem = "open /dev/vmclock0: Permission denied";
        report.inventory.vmclock.nodes.push_back(node);
        const auto device = format_json_report(report)["vmclock"]["devices"][0];
        CHECK(device["page"].is_null());
        CHECK(device["problem"] == "open /dev/vmclock0: Permission denied");
        CHECK(format_metrics(report).text().find(
                  "guestclock_audit_vmclock_readable{device=\"/dev/vmclock0\"} 0") !=
              std::string::npos);
    }
}
