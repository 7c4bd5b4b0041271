#include "clocksource_audit/findings.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace guestclock {

namespace {

// A stable TSC and kvm-clock agree to a few ppb over seconds; a rate that wanders by more
// than this while the confidence interval is much tighter is something steering the clock.
constexpr double kWanderLimitPpm = 0.5;
// Different oscillators would disagree by tens of ppm; both clocksources count the same TSC.
constexpr double kRateLimitPpm = 100.0;

bool contains(const std::vector<std::string>& names, std::string_view name) {
    return std::ranges::find(names, name) != names.end();
}

const ClocksourceMeasurement* find_measurement(const std::vector<ClocksourceMeasurement>& all,
                                               std::string_view name) {
    for (const auto& m : all)
        if (m.name == name && m.measured) return &m;
    return nullptr;
}

bool mentions_tsc(const std::string& line) {
    return line.find("TSC") != std::string::npos || line.find("'tsc'") != std::string::npos;
}

void check_scenario(const AuditFacts& facts, std::vector<Finding>& out) {
    const auto& inv = facts.inventory;
    const bool kvm_current = inv.clocksources.current == kKvmClock;
    const bool kvm_available = contains(inv.clocksources.available, kKvmClock);

    if (inv.parameters.no_kvmclock && (kvm_current || kvm_available)) {
        out.push_back({"no-kvmclock-ignored", Severity::error,
                       fmt::format("no-kvmclock is on the kernel command line, but kvm-clock is {}",
                                   kvm_current ? "the current clocksource" : "still registered"),
                       "Check that the boot entry actually used carries the parameter "
                       "(cat /proc/cmdline) and is spelled no-kvmclock."});
    }
    if (inv.parameters.no_kvmclock_vsyscall && !inv.parameters.no_kvmclock && kvm_current) {
        out.push_back(
            {"no-kvmclock-vsyscall-alone", Severity::warning,
             "no-kvmclock-vsyscall without no-kvmclock keeps kvm-clock but takes it out of "
             "the vDSO: every clock_gettime becomes a system call",
             "Boot with both no-kvmclock no-kvmclock-vsyscall, or with neither."});
    }
    if (inv.serves_ntp && kvm_current) {
        std::string leak =
            "not measured (run with a measurement to see whether host slewing leaks)";
        if (const auto* m = find_measurement(facts.measurements, kKvmClock); m && m->rate)
            leak = fmt::format("its rate against the TSC wandered by {:.3f} ppm over the window",
                               m->rate->spread_ppm);
        out.push_back(
            {"ntp-server-on-kvmclock", Severity::warning,
             "this VM serves NTP (UDP port 123) while on kvm-clock, whose rate the host "
             "sets; " +
                 leak,
             "Boot with no-kvmclock no-kvmclock-vsyscall so the TSC drives the clock; "
             "then ptp_kvm is unavailable and the RTC (rtc_resync) or NTP is the reference."});
    }
    if (facts.expected) {
        const auto actual = detect_scenario(inv);
        if (actual != facts.expected) {
            out.push_back(
                {"expectation-not-met", Severity::error,
                 fmt::format("expected the {} scenario, but {}", scenario_name(*facts.expected),
                             actual ? fmt::format("this guest is in the {} scenario",
                                                  scenario_name(*actual))
                                    : no_scenario_reason(inv)),
                 *facts.expected == Scenario::no_kvmclock
                     ? "Add no-kvmclock no-kvmclock-vsyscall to the image's kernel command line."
                     : "Remove no-kvmclock from the kernel command line and select kvm-clock."});
        }
    }
    // Elsewhere ptp_kvm needs no kvm-clock: arm64's reads the architected counter.
    if (inv.architecture.x86 && inv.hypervisor.kind == Hypervisor::kvm && !kvm_available) {
        out.push_back(
            {"no-kvmclock-reference", Severity::info,
             "kvm-clock is not registered, so ptp_kvm cannot work here (its cross-timestamps "
             "need kvm-clock's page): the RTC or NTP has to be the reference",
             "Run rtc_resync (or an NTP client) to keep the clock on the host's time."});
    }
}

void check_tsc(const AuditFacts& facts, std::vector<Finding>& out) {
    const auto& inv = facts.inventory;
    if (inv.kernel_messages) {
        for (const auto& line : inv.kernel_messages->instability) {
            if (!mentions_tsc(line)) continue;
            out.push_back({"tsc-marked-unstable", Severity::warning,
                           "the kernel marked the TSC unstable: " + line,
                           "Stay on kvm-clock (do not boot no-kvmclock) unless the host guarantees "
                           "an invariant, synchronised TSC."});
            break;
        }
    }
    if (!inv.cpu_flags.empty()) {
        std::vector<std::string> missing;
        for (const char* flag : {"constant_tsc", "nonstop_tsc"})
            if (!inv.cpu_flags.contains(flag)) missing.emplace_back(flag);
        if (!missing.empty()) {
            out.push_back({"tsc-not-invariant", Severity::warning,
                           fmt::format("the CPU lacks {}: the TSC may change rate or stop",
                                       fmt::join(missing, " and ")),
                           "Give the guest an invariant TSC (qemu -cpu host,+invtsc; libvirt "
                           "<feature policy='require' name='invtsc'/>) or keep kvm-clock."});
        }
    }
}

void check_measurements(const AuditFacts& facts, std::vector<Finding>& out) {
    const auto& inv = facts.inventory;
    for (const auto& m : facts.measurements) {
        if (!m.measured) continue;
        if (m.current && !m.cost.vdso) {
            const auto* tsc = find_measurement(facts.measurements, "tsc");
            std::string compare =
                tsc && tsc->cost.vdso
                    ? fmt::format("; tsc reads in {:.0f} ns through the vDSO", tsc->cost.vdso_ns)
                    : std::string();
            const bool by_parameter = m.name == kKvmClock && inv.parameters.no_kvmclock_vsyscall;
            out.push_back(
                {"clock-gettime-syscall", Severity::warning,
                 fmt::format("clock_gettime on {} is a system call{}: {:.0f} ns a read against "
                             "{:.0f} ns for the syscall itself{}",
                             m.name, by_parameter ? " (no-kvmclock-vsyscall)" : "", m.cost.vdso_ns,
                             m.cost.syscall_ns, compare),
                 by_parameter ? "Boot with no-kvmclock too, so the TSC serves through the vDSO."
                              : "Prefer a clocksource the vDSO can read (tsc, kvm-clock)."});
        }
        if (m.backward.steps > 0) {
            out.push_back(
                {"backward-steps", Severity::error,
                 fmt::format("{}: time ran backwards {} times across {} CPUs (largest {} ns)",
                             m.name, m.backward.steps, m.backward.cpus, m.backward.largest_ns),
                 "Do not use this clocksource; on tsc, boot without tsc=reliable so the "
                 "watchdog can catch unsynchronised TSCs."});
        }
        if (m.rate && m.name == kKvmClock && m.rate->spread_ppm > kWanderLimitPpm &&
            m.rate->spread_ppm > 3 * m.rate->ci95_ppm) {
            out.push_back(
                {"kvmclock-rate-wander", Severity::warning,
                 fmt::format("kvm-clock's rate against the TSC wandered by {:.3f} ppm: the "
                             "host's adjustments reach this guest",
                             m.rate->spread_ppm),
                 "For NTP servers boot with no-kvmclock no-kvmclock-vsyscall."});
        }
        if (m.rate && std::abs(m.rate->rate_ppm) > kRateLimitPpm) {
            out.push_back({"rate-versus-tsc", Severity::warning,
                           fmt::format("{} runs {:+.1f} ppm against the TSC's nominal frequency",
                                       m.name, m.rate->rate_ppm),
                           "Check the TSC calibration in the kernel log (tsc: Refined TSC ...)."});
        }
        if (!m.current) continue;
        if (m.reference && m.reference->rate_ppm &&
            std::abs(*m.reference->rate_ppm) > kRateLimitPpm) {
            out.push_back(
                {"rate-versus-reference", Severity::warning,
                 fmt::format("{} runs {:+.1f} ppm against {}", m.name, *m.reference->rate_ppm,
                             m.reference->device),
                 "Let a servo correct the frequency (chrony, ptp_kvm_helper sync, rtc_resync)."});
        }
    }
}

void check_references(const AuditFacts& facts, std::vector<Finding>& out) {
    const auto& inv = facts.inventory;
    if (inv.phcs.empty() && inv.rtcs.empty()) {
        out.push_back({"no-reference", Severity::warning,
                       "no reference clock: neither a PTP hardware clock nor an RTC is present",
                       "Give the VM an RTC (qemu has one unless disabled) or load ptp_kvm "
                       "(ptp_kvm_helper load), or configure an NTP server."});
    } else if (inv.hypervisor.kind == Hypervisor::kvm && inv.phcs.empty() &&
               (inv.clocksources.current == kKvmClock || !inv.architecture.x86)) {
        out.push_back(
            {"ptp-kvm-not-loaded", Severity::info,
             fmt::format("a KVM guest {}without a PHC: ptp_kvm would give the host's clock "
                         "to within microseconds",
                         inv.architecture.x86 ? "on kvm-clock " : ""),
             "ptp_kvm_helper load && ptp_kvm_helper chrony --write"});
    }
    if (inv.kernel_clock && !inv.kernel_clock->synchronized && inv.time_daemons.empty()) {
        out.push_back(
            {"unsynchronised", Severity::info,
             "the kernel clock is unsynchronised and no time daemon runs: nothing corrects "
             "drift or pauses",
             "Enable rtc-resync.service, or chrony with ptp_kvm_helper's drop-in."});
    }
}

void check_vmclock_driver(const VmclockInventory& vmclock, std::vector<Finding>& out) {
    if (vmclock.acpi_devices.empty() || !vmclock.nodes.empty()) return;
    const std::string offered = fmt::format("the hypervisor offers a vmclock page (ACPI {})",
                                            fmt::join(vmclock.acpi_devices, ", "));
    if (vmclock.module_loaded) {
        out.push_back({"vmclock-no-device", Severity::warning,
                       offered + " and ptp_vmclock is loaded, but there is no /dev/vmclock*",
                       "Look for the driver's reason in the kernel log (journalctl -k | grep "
                       "vmclock): it offers the device only for a page of at least a page size."});
    } else if (vmclock.module_in_kernel) {
        out.push_back({"vmclock-not-loaded", Severity::warning,
                       offered + ", but ptp_vmclock is not loaded: nothing sees snapshot "
                                 "reverts or migrations",
                       "modprobe ptp_vmclock (and check why udev did not load it by modalias)."});
    } else {
        out.push_back({"vmclock-driver-missing", Severity::warning,
                       offered + ", but kernel " +
                           (vmclock.kernel_release.empty() ? "?" : vmclock.kernel_release) +
                           " has no ptp_vmclock driver (none loaded, none in its module lists; the "
                           "driver came with Linux 6.13)",
                       "Boot a kernel built with CONFIG_PTP_1588_CLOCK_VMCLOCK (Debian: the "
                       "backports kernel) so that reverts and migrations are seen."});
    }
}

void check_vmclock_nodes(const VmclockInventory& vmclock, std::vector<Finding>& out) {
    for (const auto& node : vmclock.nodes) {
        if (vmclock_root_only(node))
            out.push_back(
                {"vmclock-root-only", Severity::info,
                 fmt::format("{} is readable by root only (mode {:04o}): readers such as "
                             "ClockBound's daemon then need root",
                             node.devnode, node.mode.value_or(0)),
                 "Install guestclock's 60-guestclock-vmclock.rules (group vmclock, mode 0640) "
                 "and add the reader's user to the vmclock group."});
        if (!node.page) continue;
        const auto& page = *node.page;
        const auto status = static_cast<VmclockStatus>(page.clock_status);
        if (status == VmclockStatus::unreliable)
            out.push_back({"vmclock-host-unreliable", Severity::warning,
                           fmt::format("the host reports its clock unreliable in {}", node.devnode),
                           "Do not trust the host's time (PHC, RTC) until it recovers; rely on "
                           "NTP servers meanwhile, and tell the host's operator."});
        else if (status == VmclockStatus::free_running)
            out.push_back({"vmclock-host-free-running", Severity::info,
                           fmt::format("the host reports its clock free-running (not "
                                       "synchronised) in {}",
                                       node.devnode),
                           "Expect the host's time to drift; a guest that needs UTC closely "
                           "should also have NTP servers."});
        if (page.has(vmclock_flag::disruption_imminent))
            out.push_back({"vmclock-disruption-imminent", Severity::warning,
                           "the host announces maintenance within about an hour (" + node.devnode +
                               "): expect a migration or pause",
                           "Take latency-sensitive services out of rotation now."});
        else if (page.has(vmclock_flag::disruption_soon))
            out.push_back({"vmclock-disruption-soon", Severity::info,
                           "the host announces maintenance within about a day (" + node.devnode +
                               "): expect a migration or pause",
                           "Plan to take latency-sensitive services out of rotation."});
    }
}

} // namespace

std::optional<Scenario> parse_scenario(std::string_view text) {
    return value_named(kScenarioNames, text);
}

std::string no_scenario_reason(const Inventory& inventory) {
    if (!inventory.architecture.x86)
        return fmt::format("{} has no kvm-clock: neither scenario applies",
                           inventory.architecture.name);
    return "kvm-clock is registered and not in use";
}

std::optional<Scenario> detect_scenario(const Inventory& inventory) {
    if (!inventory.architecture.x86) return std::nullopt;
    if (inventory.clocksources.current == kKvmClock) return Scenario::kvmclock;
    if (!contains(inventory.clocksources.available, kKvmClock)) return Scenario::no_kvmclock;
    return std::nullopt;
}

std::vector<Finding> assess(const AuditFacts& facts) {
    std::vector<Finding> findings;
    check_scenario(facts, findings);
    check_tsc(facts, findings);
    check_measurements(facts, findings);
    check_references(facts, findings);
    check_vmclock_driver(facts.inventory.vmclock, findings);
    check_vmclock_nodes(facts.inventory.vmclock, findings);
    std::ranges::stable_sort(findings, std::greater<>{}, &Finding::severity);
    return findings;
}

bool findings_fail(const std::vector<Finding>& findings, bool strict) {
    const Severity threshold = strict ? Severity::warning : Severity::error;
    return std::ranges::any_of(findings, [&](const Finding& f) { return f.severity >= threshold; });
}

} // namespace guestclock
