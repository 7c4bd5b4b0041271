// The textfiles each tool writes, in the states an operator sees, produced by the tools' own
// code into $GUESTCLOCK_TEXTFILES for the prometheus tier (tests/prometheus/run) to hand to
// `promtool check metrics` and to check the dashboard's names against. The real SyncService on
// fakes writes ptp_kvm_helper sync's file; the daemon's and the audit's formatters, through the
// daemon's own MetricsFile, write the others.
#include "clocksource_audit/report.h"
#include "common/metrics_file.h"
#include "rtc_resync/daemon_metrics.h"
#include "tests/fakes/fake_vmclock.h"
#include "tests/unit/ptp_sync_rig.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace guestclock;

namespace {

// Where the samples go; the tier sets it, so a plain run of this binary writes nothing.
std::filesystem::path samples_dir() {
    const char* dir = std::getenv("GUESTCLOCK_TEXTFILES");
    REQUIRE(dir != nullptr);
    return dir;
}

// Written as the daemons write theirs: atomically, failures kept for the test to see.
void write_sample(const std::string& name, const TextfileMetrics& metrics) {
    MetricsFile file(samples_dir() / name);
    file.write(metrics);
    REQUIRE_FALSE(file.last_error());
}

constexpr Nanoseconds kNow = 1'769'860'800LL * kNsPerSec; // 2026-01-31 12:00:00 UTC

Measurement accepted(Nanoseconds offset) {
    Measurement m;
    m.estimate.system_minus_rtc_ns = offset;
    m.estimate.uncertainty_ns = 200 * kNsPerUs;
    m.estimate.samples = 3;
    return m;
}

} // namespace

TEST_CASE("rtc_resync daemon: a step, a slew and a disruption", "[textfile-samples]") {
    ResyncMetrics state;
    state.frequency_ppb = -12'500;
    record_measurement(state, accepted(-37 * kNsPerSec),
                       {Action::step, 37 * kNsPerSec, "step", Refusal::none}, 37 * kNsPerSec, kNow);
    record_measurement(state, accepted(1'500 * kNsPerUs),
                       {Action::slew, -1'500 * kNsPerUs, "slew", Refusal::none}, -1'400 * kNsPerUs,
                       kNow + 60 * kNsPerSec);
    state.disruptions.record(kNow + 90 * kNsPerSec);
    write_sample("guestclock-rtc-resync.prom", format_resync_metrics(state));
}

TEST_CASE("rtc_resync daemon: refusing a reset RTC", "[textfile-samples]") {
    ResyncMetrics state;
    Measurement reset = accepted(-27 * 365 * 86'400 * kNsPerSec);
    reset.verdict = {Refusal::before_floor, "before the floor"};
    record_measurement(state, reset, {Action::refuse, 0, "refused", Refusal::before_floor},
                       std::nullopt, kNow);
    write_sample("guestclock-rtc-resync-refusing.prom", format_resync_metrics(state));
}

TEST_CASE("ptp_kvm_helper sync: a disruption, stepped and locked again", "[textfile-samples]") {
    SyncRig rig;
    rig.options.prometheus = (samples_dir() / "guestclock-ptp-kvm-sync.prom").string();
    rig.phc.ahead_of_system_ns = 5 * kNsPerMs;
    rig.start();
    rig.ticks(2);
    rig.service->disrupted(); // forgets the rate: acquiring, then locked again
    rig.ticks(2);
    REQUIRE(rig.service->metrics().state == SyncState::locked);
    REQUIRE(rig.service->metrics().disruptions.count == 1);
    REQUIRE(std::filesystem::exists(rig.options.prometheus));
}

TEST_CASE("ptp_kvm_helper sync: waiting for a PHC", "[textfile-samples]") {
    write_sample("guestclock-ptp-kvm-sync-waiting.prom", format_sync_metrics(SyncMetrics{}));
}

TEST_CASE("clocksource_audit: a reference offset and a vmclock page", "[textfile-samples]") {
    AuditReport report;
    report.inventory.clocksources.current = "kvm-clock";
    report.inventory.clocksources.available = {"kvm-clock", "tsc", "acpi_pm"};
    ClocksourceMeasurement kvm_clock;
    kvm_clock.name = "kvm-clock";
    kvm_clock.current = true;
    kvm_clock.measured = true;
    kvm_clock.cost = {.vdso_ns = 25, .syscall_ns = 310, .vdso = true};
    kvm_clock.rate = RateVersusTsc{.rate_ppm = 0.4, .ci95_ppm = 0.1, .spread_ppm = 0.3};
    kvm_clock.backward = {.reads = 1'000'000, .steps = 0, .largest_ns = 0, .cpus = 2};
    kvm_clock.reference = ReferenceComparison{.device = "/dev/ptp0",
                                              .method = "precise",
                                              .system_minus_reference_ns = 40 * kNsPerUs,
                                              .uncertainty_ns = 2 * kNsPerUs,
                                              .rate_ppm = 0.02,
                                              .rate_ci_ppm = 0.01,
                                              .samples = 50};
    report.measurements.push_back(kvm_clock);

    VmclockPage page = FakeVmclock::synchronized_page();
    page.disruption_marker = 3;
    page.flags = vmclock_flag::time_maxerror_valid | vmclock_flag::time_esterror_valid |
                 vmclock_flag::vm_generation_counter_present | vmclock_flag::disruption_soon;
    page.time_maxerror_nanosec = 250'000;
    page.time_esterror_nanosec = 50'000;
    page.vm_generation_counter = 5;
    report.inventory.vmclock.acpi_devices = {"AMZNC10C:00"};
    report.inventory.vmclock.nodes.push_back({.devnode = "/dev/vmclock0",
                                              .page = page,
                                              .problem = "",
                                              .mode = 0640,
                                              .gid = 997,
                                              .group = "vmclock"});
    write_sample("guestclock-audit-vmclock.prom", format_metrics(report));
}
