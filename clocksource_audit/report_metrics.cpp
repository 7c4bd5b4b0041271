#include "clocksource_audit/report.h"
#include "clocksource_audit/report_vmclock.h"

namespace guestclock {

TextfileMetrics format_metrics(const AuditReport& report) {
    TextfileMetrics metrics;
    const auto& inv = report.inventory;
    metrics.describe("guestclock_audit_clocksource_current",
                     "1 for the clocksource in use, 0 for others.");
    for (const auto& name : inv.clocksources.available)
        metrics.add("guestclock_audit_clocksource_current", {{"clocksource", name}},
                    name == inv.clocksources.current ? 1 : 0);

    metrics.describe("guestclock_audit_read_seconds",
                     "Cost of one clock_gettime on the clocksource.");
    for (const auto& m : report.measurements)
        if (m.measured)
            metrics.add("guestclock_audit_read_seconds", {{"clocksource", m.name}},
                        m.cost.vdso_ns / 1e9);

    metrics.describe("guestclock_audit_vdso", "1 when clock_gettime ran in the vDSO.");
    for (const auto& m : report.measurements)
        if (m.measured)
            metrics.add("guestclock_audit_vdso", {{"clocksource", m.name}}, m.cost.vdso ? 1 : 0);

    metrics.describe("guestclock_audit_rate_vs_tsc_ppm",
                     "Clocksource rate against the TSC's nominal rate.");
    metrics.describe("guestclock_audit_rate_spread_ppm",
                     "How far that rate wandered over the window.");
    for (const auto& m : report.measurements) {
        if (!m.rate) continue;
        metrics.add("guestclock_audit_rate_vs_tsc_ppm", {{"clocksource", m.name}},
                    m.rate->rate_ppm);
        metrics.add("guestclock_audit_rate_spread_ppm", {{"clocksource", m.name}},
                    m.rate->spread_ppm);
    }

    metrics.describe("guestclock_audit_backward_steps", "Backward steps seen across CPUs.");
    for (const auto& m : report.measurements)
        if (m.measured)
            metrics.add("guestclock_audit_backward_steps", {{"clocksource", m.name}},
                        static_cast<double>(m.backward.steps));

    metrics.describe("guestclock_audit_reference_offset_seconds",
                     "System clock minus the reference clock.");
    for (const auto& m : report.measurements)
        if (m.reference)
            metrics.add("guestclock_audit_reference_offset_seconds",
                        {{"clocksource", m.name}, {"reference", m.reference->device}},
                        to_seconds(m.reference->system_minus_reference_ns));

    metrics.describe("guestclock_audit_reference_rate_ppm",
                     "Rate of the clocksource (CLOCK_MONOTONIC_RAW) against the reference clock.");
    for (const auto& m : report.measurements)
        if (m.reference && m.reference->rate_ppm)
            metrics.add("guestclock_audit_reference_rate_ppm",
                        {{"clocksource", m.name}, {"reference", m.reference->device}},
                        *m.reference->rate_ppm);

    metrics.describe("guestclock_audit_findings", "Findings of the last audit by severity.");
    for (const auto severity : {Severity::info, Severity::warning, Severity::error}) {
        double count = 0;
        for (const auto& f : report.findings)
            count += f.severity == severity ? 1 : 0;
        metrics.add("guestclock_audit_findings",
                    {{"severity", std::string(severity_name(severity))}}, count);
    }
    metrics.describe("guestclock_audit_serves_ntp",
                     "1 when this guest answers NTP on UDP port 123.");
    metrics.add("guestclock_audit_serves_ntp", inv.serves_ntp ? 1 : 0);
    add_vmclock_metrics(inv.vmclock, metrics);
    return metrics;
}

} // namespace guestclock
