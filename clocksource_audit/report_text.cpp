#include "clocksource_audit/cpu_flags.h"
#include "clocksource_audit/report.h"
#include "clocksource_audit/report_vmclock.h"

#include <fmt/format.h>

namespace guestclock {

namespace {

std::string yes_no(bool value) {
    return value ? "yes" : "no";
}

// What named the hypervisor: CPUID on x86; elsewhere the KVM PHC or the firmware's DMI.
std::string hypervisor_evidence(const Inventory& inv) {
    const auto& h = inv.hypervisor;
    if (!h.cpuid_signature.empty()) return " (CPUID \"" + h.cpuid_signature + "\")";
    if (inv.architecture.x86) return "";
    std::string seen;
    if (h.kvm_ptp)
        seen = "PHC \"KVM virtual PTP\"; ";
    else if (!h.dmi_sys_vendor.empty() || !h.dmi_product_name.empty())
        seen = fmt::format("DMI \"{}\" \"{}\"; ", h.dmi_sys_vendor, h.dmi_product_name);
    return fmt::format(" ({}no CPUID on {})", seen, inv.architecture.name);
}

std::string devices_line(const std::vector<ClockDevice>& devices) {
    if (devices.empty()) return "none";
    std::string out;
    for (const auto& d : devices) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} \"{}\"", d.devnode.empty() ? d.sysname : d.devnode, d.name);
        if (!d.driver.empty()) out += " (" + d.driver + ")";
        if (d.hctosys) out += " hctosys";
    }
    return out;
}

void measurement_lines(const ClocksourceMeasurement& m, std::string& out) {
    out += fmt::format("  {}{}\n", m.name, m.current ? " (current)" : "");
    if (!m.measured) {
        out += fmt::format("    not measured: {}\n", m.not_measured_because);
        return;
    }
    out += fmt::format("    read cost        {:.0f} ns ({}), syscall {:.0f} ns\n", m.cost.vdso_ns,
                       m.cost.vdso ? "vDSO" : "system call", m.cost.syscall_ns);
    if (!m.rate_problem.empty())
        out += fmt::format("    rate vs TSC      not measured: {}\n", m.rate_problem);
    else if (m.rate)
        out += fmt::format(
            "    rate vs TSC      {:+.4f} ppm ± {:.2g} (95%), wander {:.2g} ppm, {} samples\n",
            m.rate->rate_ppm, m.rate->ci95_ppm, m.rate->spread_ppm, m.rate->samples);
    else
        out += "    rate vs TSC      unknown (no nominal TSC frequency)\n";
    out += fmt::format("    backward steps   {} in {} reads on {} CPUs\n", m.backward.steps,
                       m.backward.reads, m.backward.cpus);
    if (m.reference) {
        const auto& r = *m.reference;
        out +=
            fmt::format("    vs {:<13} offset {:+.6f} s ± {:.6f} (system minus it; {}, {} samples)",
                        r.device, to_seconds(r.system_minus_reference_ns),
                        to_seconds(r.uncertainty_ns), r.method, r.samples);
        if (r.rate_ppm)
            out +=
                fmt::format(", rate {:+.3f} ppm ± {:.3f}", *r.rate_ppm, r.rate_ci_ppm.value_or(0));
        out += "\n";
    } else if (!m.reference_problem.empty()) {
        out += fmt::format("    reference        none: {}\n", m.reference_problem);
    }
}

} // namespace

std::string format_text_report(const AuditReport& report) {
    const auto& inv = report.inventory;
    std::string out;
    out += "Guest clock audit\n\n";
    const std::string not_here =
        fmt::format("not on this architecture ({})", inv.architecture.name);
    out += fmt::format("Hypervisor          {}{}\n", hypervisor_name(inv.hypervisor.kind),
                       hypervisor_evidence(inv));
    out += fmt::format("Scenario            {}\n",
                       report.scenario        ? std::string(scenario_name(*report.scenario))
                       : inv.architecture.x86 ? "kvm-clock registered but not in use"
                                              : not_here);
    out += fmt::format("Clocksource         {} (available: {})\n", inv.clocksources.current,
                       fmt::join(inv.clocksources.available, " "));
    std::string params;
    if (inv.parameters.no_kvmclock) params += " no-kvmclock";
    if (inv.parameters.no_kvmclock_vsyscall) params += " no-kvmclock-vsyscall";
    if (inv.parameters.clocksource) params += " clocksource=" + *inv.parameters.clocksource;
    if (!inv.parameters.tsc_options.empty())
        params += fmt::format(" tsc={}", fmt::join(inv.parameters.tsc_options, ","));
    out += fmt::format("Kernel parameters  {}\n", params.empty() ? " none time-related" : params);
    std::string flags;
    for (const auto flag : kTimeCpuFlags)
        flags += fmt::format(" {}{}", inv.cpu_flags.contains(std::string(flag)) ? "+" : "-", flag);
    out += fmt::format("CPU flags          {}\n", inv.architecture.x86 ? flags : " " + not_here);
    out += fmt::format("TSC frequency       {}\n",
                       report.tsc_khz
                           ? fmt::format("{:.3f} MHz", static_cast<double>(*report.tsc_khz) / 1000)
                       : inv.architecture.x86 ? "unknown"
                                              : not_here);
    if (inv.kernel_messages && !inv.kernel_messages->switches.empty())
        out += fmt::format("Kernel switched to  {}\n",
                           fmt::join(inv.kernel_messages->switches, " -> "));
    out += fmt::format("PTP clocks          {}\n", devices_line(inv.phcs));
    out += fmt::format("RTCs                {}\n", devices_line(inv.rtcs));
    out += format_vmclock_text(inv.vmclock);
    if (inv.kernel_clock) {
        const auto& k = *inv.kernel_clock;
        out += fmt::format(
            "Kernel clock        {}, frequency {:+.3f} ppm, maxerror {} us, esterror {} us\n",
            k.synchronized ? "synchronised" : "unsynchronised", k.frequency_ppm,
            k.maxerror_ns / kNsPerUs, k.esterror_ns / kNsPerUs);
    }
    std::string daemons;
    // A daemon only systemd reported (its process hidden from us) shows its unit instead.
    for (const auto& d : inv.time_daemons)
        daemons += d.pid != 0 ? fmt::format(" {}[{}]", d.name, d.pid)
                              : fmt::format(" {}({})", d.name, d.unit);
    out += fmt::format("Time daemons       {}; serves NTP: {}\n",
                       daemons.empty() ? " none" : daemons, yes_no(inv.serves_ntp));

    if (!report.measurements.empty()) {
        out += report.duration > 0 ? fmt::format("\nMeasurements ({:.0f} s window each)\n",
                                                 to_seconds(report.duration))
                                   : std::string("\nClocksources\n");
        for (const auto& m : report.measurements)
            measurement_lines(m, out);
    }

    out += "\nFindings\n";
    if (report.findings.empty()) out += "  none\n";
    for (const auto& f : report.findings) {
        out += fmt::format("  [{}] {}: {}\n", severity_name(f.severity), f.id, f.message);
        if (!f.remedy.empty()) out += fmt::format("      remedy: {}\n", f.remedy);
    }
    for (const auto& problem : inv.problems)
        out += fmt::format("\nNot readable: {}\n", problem);
    return out;
}

} // namespace guestclock
