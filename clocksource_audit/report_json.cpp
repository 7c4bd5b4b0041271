#include "clocksource_audit/cpu_flags.h"
#include "clocksource_audit/report.h"
#include "clocksource_audit/report_vmclock.h"
#include "common/cli.h"

#include <cmath>

namespace guestclock {

namespace {

template <class T> nlohmann::json optional_value(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json clock_devices(const std::vector<ClockDevice>& devices) {
    auto out = nlohmann::json::array();
    for (const auto& d : devices) {
        out.push_back({{"device", d.devnode},
                       {"sysname", d.sysname},
                       {"name", d.name},
                       {"driver", d.driver},
                       {"symlinks", d.symlinks},
                       {"hctosys", d.hctosys}});
    }
    return out;
}

nlohmann::json measurement_json(const ClocksourceMeasurement& m) {
    nlohmann::json j = {{"name", m.name}, {"current", m.current}, {"measured", m.measured}};
    if (!m.measured) {
        j["not_measured_because"] = m.not_measured_because;
        for (const char* key : {"read_ns", "syscall_read_ns", "vdso", "rate_vs_tsc_ppm",
                                "rate_ci_ppm", "rate_spread_ppm", "backward_steps", "reference"})
            j[key] = nullptr;
        return j;
    }
    j["read_ns"] = m.cost.vdso_ns;
    j["syscall_read_ns"] = m.cost.syscall_ns;
    j["vdso"] = m.cost.vdso;
    j["rate_vs_tsc_ppm"] = m.rate ? nlohmann::json(m.rate->rate_ppm) : nlohmann::json(nullptr);
    j["rate_ci_ppm"] = m.rate ? nlohmann::json(m.rate->ci95_ppm) : nlohmann::json(nullptr);
    j["rate_spread_ppm"] = m.rate ? nlohmann::json(m.rate->spread_ppm) : nlohmann::json(nullptr);
    j["rate_samples"] = m.rate ? m.rate->samples : 0;
    if (!m.rate_problem.empty()) j["rate_problem"] = m.rate_problem;
    j["backward_steps"] = {{"count", m.backward.steps},
                           {"reads", m.backward.reads},
                           {"largest_ns", m.backward.largest_ns},
                           {"cpus", m.backward.cpus}};
    if (m.reference) {
        const auto& r = *m.reference;
        j["reference"] = {{"device", r.device},
                          {"method", r.method},
                          {"offset_ns", r.system_minus_reference_ns},
                          {"uncertainty_ns", r.uncertainty_ns},
                          {"rate_ppm", optional_value(r.rate_ppm)},
                          {"rate_ci_ppm", optional_value(r.rate_ci_ppm)},
                          {"samples", r.samples}};
    } else {
        j["reference"] = nullptr;
        if (!m.reference_problem.empty()) j["reference_problem"] = m.reference_problem;
    }
    return j;
}

} // namespace

nlohmann::json format_json_report(const AuditReport& report) {
    const auto& inv = report.inventory;
    nlohmann::json j;
    j["schema_version"] = kJsonSchemaVersion;
    j["version"] = version_string();
    j["scenario"] =
        report.scenario ? nlohmann::json(scenario_name(*report.scenario)) : nlohmann::json(nullptr);
    j["architecture"] = inv.architecture.name;
    // null, not false or "", where the architecture has no CPUID and no TSC flags.
    const auto x86_only = [&](nlohmann::json value) {
        return inv.architecture.x86 ? std::move(value) : nlohmann::json(nullptr);
    };
    j["hypervisor"] = {{"kind", hypervisor_name(inv.hypervisor.kind)},
                       {"cpuid_signature", x86_only(inv.hypervisor.cpuid_signature)},
                       {"sysfs_type", inv.hypervisor.sysfs_type},
                       {"dmi_sys_vendor", inv.hypervisor.dmi_sys_vendor},
                       {"dmi_product_name", inv.hypervisor.dmi_product_name},
                       {"kvm_ptp", inv.hypervisor.kvm_ptp}};
    j["kernel_parameters"] = {{"no_kvmclock", inv.parameters.no_kvmclock},
                              {"no_kvmclock_vsyscall", inv.parameters.no_kvmclock_vsyscall},
                              {"clocksource", optional_value(inv.parameters.clocksource)},
                              {"tsc", inv.parameters.tsc_options}};
    auto flags = nlohmann::json::object();
    for (const auto flag : kTimeCpuFlags)
        flags[std::string(flag)] = inv.cpu_flags.contains(std::string(flag));
    j["cpu_flags"] = x86_only(std::move(flags));
    j["tsc_khz"] = optional_value(report.tsc_khz);
    if (inv.kernel_messages) {
        j["kernel_messages"] = {{"source", inv.kernel_log_source},
                                {"switches", inv.kernel_messages->switches},
                                {"instability", inv.kernel_messages->instability}};
    } else {
        j["kernel_messages"] = nullptr;
    }
    j["current_clocksource"] = inv.clocksources.current;
    j["measurement_duration_s"] = to_seconds(report.duration);
    j["clocksources"] = nlohmann::json::array();
    for (const auto& m : report.measurements)
        j["clocksources"].push_back(measurement_json(m));
    j["phcs"] = clock_devices(inv.phcs);
    j["rtcs"] = clock_devices(inv.rtcs);
    j["vmclock"] = format_vmclock_json(inv.vmclock);
    if (inv.kernel_clock) {
        const auto& k = *inv.kernel_clock;
        j["kernel_clock"] = {{"synchronized", k.synchronized},   {"pll", k.pll},
                             {"state", k.clock_state},           {"offset_ns", k.pll_pending_ns},
                             {"frequency_ppm", k.frequency_ppm}, {"maxerror_ns", k.maxerror_ns},
                             {"esterror_ns", k.esterror_ns}};
    } else {
        j["kernel_clock"] = nullptr;
    }
    j["time_daemons"] = nlohmann::json::array();
    for (const auto& d : inv.time_daemons)
        j["time_daemons"].push_back(
            {{"name", d.name},
             {"pid", d.pid},
             {"unit", d.unit.empty() ? nlohmann::json() : nlohmann::json(d.unit)}});
    j["serves_ntp"] = inv.serves_ntp;
    j["findings"] = nlohmann::json::array();
    for (const auto& f : report.findings) {
        j["findings"].push_back({{"id", f.id},
                                 {"severity", severity_name(f.severity)},
                                 {"message", f.message},
                                 {"remedy", f.remedy}});
    }
    j["problems"] = inv.problems;
    return j;
}

} // namespace guestclock
