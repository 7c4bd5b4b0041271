// The vmclock part of the three renderings, kept together so that text, JSON and metrics show
// the same fields.
#include "clocksource_audit/report_vmclock.h"

#include <fmt/format.h>

namespace guestclock {

namespace {

std::string mode_text(const VmclockNode& node) {
    if (!node.mode) return "mode unknown";
    return fmt::format("mode {:04o}, group {}", *node.mode,
                       node.group.empty() ? std::to_string(node.gid.value_or(0)) : node.group);
}

// "valid" fields are shown as they are, the flag saying whether the host vouches for them.
std::string vouched(bool valid) {
    return valid ? "" : " (not valid)";
}

void page_lines(const VmclockPage& p, std::string& out) {
    using namespace vmclock_flag;
    out += fmt::format("    status         {}; disruption marker {}; generation counter {}\n",
                       vmclock_status_name(p.clock_status), p.disruption_marker,
                       p.vm_generation_counter ? std::to_string(*p.vm_generation_counter)
                                               : "not offered");
    out +=
        fmt::format("    counter        {} (id {}), value {}, period {:#x} >> (64 + {}) s, "
                    "error rate est {:#x}{} max {:#x}{}\n",
                    vmclock_counter_name(p.counter_id), p.counter_id, p.counter_value,
                    p.counter_period_frac_sec, p.counter_period_shift,
                    p.counter_period_esterror_rate_frac_sec, vouched(p.has(period_esterror_valid)),
                    p.counter_period_maxerror_rate_frac_sec, vouched(p.has(period_maxerror_valid)));
    out += fmt::format("    time           {} {} s + {:#x} / 2^64, error est {} ns{} max {} ns{}\n",
                       vmclock_time_type_name(p.time_type), p.time_sec, p.time_frac_sec,
                       p.time_esterror_nanosec, vouched(p.has(time_esterror_valid)),
                       p.time_maxerror_nanosec, vouched(p.has(time_maxerror_valid)));
    out += fmt::format("    leap           {}, TAI offset {} s{}, smearing hint {}\n",
                       vmclock_leap_indicator_name(p.leap_indicator), p.tai_offset_sec,
                       vouched(p.has(tai_offset_valid)), p.leap_second_smearing_hint);
    const auto flags = vmclock_flag_names(p.flags);
    out += fmt::format("    flags          {}\n",
                       flags.empty() ? "none" : fmt::format("{}", fmt::join(flags, " ")));
    out += fmt::format("    page           size {}, version {}, seq_count {}\n", p.size, p.version,
                       p.seq_count);
}

std::string driver_state(const VmclockInventory& v) {
    if (v.module_loaded) return "ptp_vmclock loaded";
    return v.module_in_kernel ? "ptp_vmclock not loaded" : "no ptp_vmclock in this kernel";
}

nlohmann::json page_json(const VmclockPage& p) {
    return {
        {"size", p.size},
        {"version", p.version},
        {"counter_id", p.counter_id},
        {"counter", vmclock_counter_name(p.counter_id)},
        {"time_type", p.time_type},
        {"time_type_name", vmclock_time_type_name(p.time_type)},
        {"seq_count", p.seq_count},
        {"disruption_marker", p.disruption_marker},
        {"flags", p.flags},
        {"flag_names", vmclock_flag_names(p.flags)},
        {"clock_status", p.clock_status},
        {"clock_status_name", vmclock_status_name(p.clock_status)},
        {"leap_second_smearing_hint", p.leap_second_smearing_hint},
        {"tai_offset_sec", p.tai_offset_sec},
        {"leap_indicator", p.leap_indicator},
        {"leap_indicator_name", vmclock_leap_indicator_name(p.leap_indicator)},
        {"counter_period_shift", p.counter_period_shift},
        {"counter_value", p.counter_value},
        {"counter_period_frac_sec", p.counter_period_frac_sec},
        {"counter_period_esterror_rate_frac_sec", p.counter_period_esterror_rate_frac_sec},
        {"counter_period_maxerror_rate_frac_sec", p.counter_period_maxerror_rate_frac_sec},
        {"time_sec", p.time_sec},
        {"time_frac_sec", p.time_frac_sec},
        {"time_esterror_nanosec", p.time_esterror_nanosec},
        {"time_maxerror_nanosec", p.time_maxerror_nanosec},
        {"vm_generation_counter", p.vm_generation_counter ? nlohmann::json(*p.vm_generation_counter)
                                                          : nlohmann::json(nullptr)},
    };
}

} // namespace

bool vmclock_absent(const VmclockInventory& vmclock) {
    return vmclock.acpi_devices.empty() && vmclock.nodes.empty();
}

std::string format_vmclock_text(const VmclockInventory& vmclock) {
    if (vmclock_absent(vmclock)) return "vmclock             none\n";
    std::string out;
    if (vmclock.nodes.empty())
        return fmt::format("vmclock             ACPI {} offered, no /dev/vmclock* ({})\n",
                           fmt::join(vmclock.acpi_devices, ", "), driver_state(vmclock));
    for (const auto& node : vmclock.nodes) {
        out += fmt::format("vmclock             {} ({})\n", node.devnode, mode_text(node));
        if (node.page)
            page_lines(*node.page, out);
        else
            out += fmt::format("    not read       {}\n", node.problem);
    }
    return out;
}

nlohmann::json format_vmclock_json(const VmclockInventory& vmclock) {
    if (vmclock_absent(vmclock)) return nullptr;
    auto devices = nlohmann::json::array();
    for (const auto& node : vmclock.nodes) {
        devices.push_back(
            {{"device", node.devnode},
             {"mode", node.mode ? nlohmann::json(fmt::format("{:04o}", *node.mode))
                                : nlohmann::json(nullptr)},
             {"group", node.group.empty() ? nlohmann::json(nullptr) : nlohmann::json(node.group)},
             {"root_only", vmclock_root_only(node)},
             {"page", node.page ? page_json(*node.page) : nlohmann::json(nullptr)},
             {"problem", node.page ? nlohmann::json(nullptr) : nlohmann::json(node.problem)}});
    }
    return {{"acpi_devices", vmclock.acpi_devices},
            {"kernel_release", vmclock.kernel_release},
            {"module_loaded", vmclock.module_loaded},
            {"module_in_kernel", vmclock.module_in_kernel},
            {"devices", devices}};
}

void add_vmclock_metrics(const VmclockInventory& vmclock, TextfileMetrics& metrics) {
    using namespace vmclock_flag;
    metrics.gauge("guestclock_audit_vmclock_present",
                  "Number of vmclock devices (/dev/vmclockN) in this guest.",
                  static_cast<double>(vmclock.nodes.size()));
    metrics.gauge("guestclock_audit_vmclock_offered",
                  "1 when the hypervisor offers a vmclock page (ACPI AMZNC10C/VMCLOCK), whether "
                  "or not the guest has a driver for it.",
                  vmclock.acpi_devices.empty() ? 0 : 1);
    metrics.describe("guestclock_audit_vmclock_readable",
                     "1 when the audit could read and decode the page.");
    metrics.describe("guestclock_audit_vmclock_clock_status",
                     "The host's clock status: 0 unknown, 1 initializing, 2 synchronized, "
                     "3 free-running, 4 unreliable.");
    metrics.describe("guestclock_audit_vmclock_disruption_marker",
                     "Changes on every snapshot load and migration (as a float64: compare, do "
                     "not subtract).");
    metrics.describe("guestclock_audit_vmclock_vm_generation_counter",
                     "Changes on every snapshot load; only where the host offers it.");
    metrics.describe("guestclock_audit_vmclock_time_esterror_seconds",
                     "The host's estimated error of its time; only where it vouches for it.");
    metrics.describe("guestclock_audit_vmclock_time_maxerror_seconds",
                     "The host's maximum error of its time; only where it vouches for it.");
    metrics.describe("guestclock_audit_vmclock_leap_indicator",
                     "0 none, 1 positive leap second at month's end, 2 negative, 3 during one, "
                     "4 and 5 after one.");
    metrics.describe("guestclock_audit_vmclock_disruption_pending",
                     "1 when the host announces maintenance: when=\"soon\" about a day ahead, "
                     "when=\"imminent\" about an hour.");
    for (const auto& node : vmclock.nodes) {
        const MetricLabels device{{"device", node.devnode}};
        metrics.add("guestclock_audit_vmclock_readable", device, node.page ? 1 : 0);
        if (!node.page) continue;
        const auto& p = *node.page;
        metrics.add("guestclock_audit_vmclock_clock_status", device, p.clock_status);
        metrics.add("guestclock_audit_vmclock_disruption_marker", device,
                    static_cast<double>(p.disruption_marker));
        if (p.vm_generation_counter)
            metrics.add("guestclock_audit_vmclock_vm_generation_counter", device,
                        static_cast<double>(*p.vm_generation_counter));
        if (p.has(time_esterror_valid))
            metrics.add("guestclock_audit_vmclock_time_esterror_seconds", device,
                        static_cast<double>(p.time_esterror_nanosec) / 1e9);
        if (p.has(time_maxerror_valid))
            metrics.add("guestclock_audit_vmclock_time_maxerror_seconds", device,
                        static_cast<double>(p.time_maxerror_nanosec) / 1e9);
        metrics.add("guestclock_audit_vmclock_leap_indicator", device, p.leap_indicator);
        for (const auto& [when, flag] :
             {std::pair{"soon", disruption_soon}, std::pair{"imminent", disruption_imminent}}) {
            MetricLabels labels = device;
            labels["when"] = when;
            metrics.add("guestclock_audit_vmclock_disruption_pending", labels, p.has(flag) ? 1 : 0);
        }
    }
}

} // namespace guestclock
