// clocksource_audit: what drives this guest's clock, how well, and whether that is the right
// choice for what the guest does.
#include "clocksource_audit/findings.h"
#include "clocksource_audit/interruption.h"
#include "clocksource_audit/measure.h"
#include "clocksource_audit/report.h"
#include "common/cli.h"

#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <spdlog/spdlog.h>
#include <unistd.h>

using namespace guestclock;

namespace {

struct Options {
    CommonOptions common;
    bool measure = true;
    bool switch_clocksources = false;
    std::vector<std::string> only;
    double duration_s = 5;
    std::string reference = "auto";
    std::string expect;
    std::string prometheus;
    bool strict = false;
    std::string root = "/";
};

// Progress on stderr for measurements longer than 2 s; also where a SIGTERM stops the run.
Status report_progress(Nanoseconds elapsed, Nanoseconds total) {
    if (const int signo = interruption_signal())
        return fail(EINTR, fmt::format("stopped by signal {}", signo));
    if (total > 2 * kNsPerSec)
        fmt::print(stderr, "clocksource_audit: measuring: {:.0f} of {:.0f} s{}",
                   to_seconds(elapsed), to_seconds(total), isatty(STDERR_FILENO) ? "\r" : "\n");
    return {};
}

// As hwclock decides: the third line of /etc/adjtime, UTC when the file is absent.
RtcTimeScale rtc_time_scale(const SystemFiles& files) {
    auto adjtime = files.read("/etc/adjtime");
    if (!adjtime) return RtcTimeScale::utc;
    auto scale = parse_adjtime_scale(*adjtime);
    return scale ? *scale : RtcTimeScale::utc;
}

int run(const Options& options) {
    const auto expected = parse_scenario(options.expect);
    if (options.switch_clocksources && geteuid() != 0) {
        spdlog::error("--switch needs root: it writes "
                      "/sys/devices/system/clocksource/clocksource0/current_clocksource");
        return kExitRuntime;
    }
    install_interruption_handlers();
    const SystemFiles files(options.root);
    UdevDeviceFinder devices;
    SystemClockAdjuster clock;
    SystemTimebase timebase;

    // 1. Inventory: what the kernel, the CPU and the devices say.
    AuditReport report;
    report.inventory = take_inventory(
        {.files = files,
         .devices = devices,
         .clock = clock,
         .read_kernel_log =
             [] { return read_kernel_log(read_kernel_ring_buffer, read_kernel_journal); },
         .open_vmclock = [](const std::string& path) -> Result<std::unique_ptr<Vmclock>> {
             return DeviceVmclock::open(path);
         }});
    report.tsc_khz = nominal_tsc_khz(report.inventory);
    report.scenario = detect_scenario(report.inventory);

    // 2. Measurements, per clocksource, with the original always restored.
    if (options.measure) {
        MeasureOptions measure;
        measure.switch_clocksources = options.switch_clocksources;
        measure.only = options.only;
        measure.duration = static_cast<Nanoseconds>(options.duration_s * 1e9);
        measure.tsc_khz = report.tsc_khz;
        measure.progress = report_progress;
        measure.reference =
            choose_reference(report.inventory, options.reference, measure.no_reference_because);
        if (measure.reference)
            measure.reference->devices = {
                .open_phc = DevicePhc::open, .open_rtc = DeviceRtc::open, .timebase = &timebase};
        measure.rtc_scale = rtc_time_scale(files);
        auto measurements = measure_clocksources(report.inventory, files, measure);
        if (!measurements) {
            spdlog::error("{}", measurements.error().message());
            const int signo = interruption_signal();
            return signo != 0 ? 128 + signo : kExitRuntime;
        }
        report.measurements = std::move(*measurements);
        report.duration = measure.duration;
    } else {
        add_unmeasured(report.inventory.clocksources, "--no-measure given", report.measurements);
    }

    // 3. Verdict.
    report.findings = assess({report.inventory, report.measurements, expected});

    // 4. Output.
    if (options.common.json)
        std::cout << format_json_report(report).dump(2) << '\n';
    else
        std::cout << format_text_report(report);
    if (!options.prometheus.empty()) {
        if (auto written = format_metrics(report).write(options.prometheus); !written) {
            spdlog::error("{}", written.error().message());
            return kExitRuntime;
        }
    }
    return findings_fail(report.findings, options.strict) ? kExitFindings : kExitOk;
}

} // namespace

int main(int argc, char** argv) try {
    CLI::App app{"Audit the clocksources of a Linux virtual machine: inventory, read cost, rate "
                 "against the TSC and a reference clock, and findings with remedies.",
                 "clocksource_audit"};
    Options options;
    add_common_options(app, options.common);
    app.add_flag("!--no-measure", options.measure, "Inventory and findings only (fast)");
    app.add_flag("--switch", options.switch_clocksources,
                 "Measure every available clocksource by switching to each (root); the original is "
                 "restored");
    app.add_option("--clocksource", options.only, "With --switch: measure only these (repeatable)");
    app.add_option("--duration", options.duration_s, "Seconds of rate measurement per clocksource")
        ->check(CLI::Range(0.1, 3600.0));
    app.add_option("--reference", options.reference, "auto, none, /dev/ptpN or /dev/rtcN");
    std::vector<std::string> scenarios;
    scenarios.reserve(kScenarioNames.size());
    for (const auto& row : kScenarioNames)
        scenarios.emplace_back(row.name);
    app.add_option("--expect", options.expect, "Exit 1 unless this scenario holds")
        ->check(CLI::IsMember(scenarios));
    app.add_option("--prometheus", options.prometheus,
                   "Also write node_exporter textfile metrics to FILE");
    app.add_flag("--strict", options.strict, "Exit 1 on warnings too, not only on errors");
    app.add_option("--root", options.root, "Read /sys and /proc below this directory (testing)");
    return run_cli(app, argc, argv, options.common, [&] { return run(options); });
} catch (const std::exception& e) {
    // Only setting up the command line can get here; run_cli catches the rest.
    fmt::print(stderr, "clocksource_audit: {}\n", e.what());
    return kExitRuntime;
}
