#include "rtc_resync/commands.h"

#include "common/atomic_file.h"
#include "common/logging.h"
#include "common/plausible_time.h"
#include "common/time_daemons.h"
#include "rtc_resync/exit_codes.h"
#include "rtc_resync/report.h"
#include "rtc_resync/update_interrupts.h"

#include <spdlog/spdlog.h>
#include <variant>

namespace guestclock {

namespace {

std::string last_good_path(const ResyncSettings& settings) {
    return settings.state_directory + "/" + std::string(kLastGoodFile);
}

EdgeReadOptions edge_options(const ResyncSettings& settings, RtcTimeScale scale,
                             const RtcIdentity& rtc) {
    EdgeReadOptions options;
    options.count = settings.samples;
    options.scale = scale;
    options.use_interrupts = update_interrupts_mark_edges(rtc);
    return options;
}

PolicySettings policy_settings(const ResyncSettings& settings) {
    return {settings.step_threshold, settings.jump_threshold, settings.no_step,
            settings.allow_circular_reference};
}

void log_decision(const Decision& decision, const Measurement& measurement, bool dry_run) {
    const auto level = decision.action == Action::refuse ? spdlog::level::err : spdlog::level::info;
    log_with_fields(level, (dry_run ? "dry run: " : "") + decision.reason,
                    {{"OFFSET_NS", std::to_string(measurement.estimate.system_minus_rtc_ns)},
                     {"UNCERTAINTY_NS", std::to_string(measurement.estimate.uncertainty_ns)},
                     {"ACTION", std::string(action_name(decision.action))},
                     {"REFUSAL", std::string(refusal_name(decision.refusal))},
                     {"METHOD", std::string(edge_method_name(measurement.estimate.method))}});
}

// Reads what is common to both commands; an exit code when it failed.
struct Prepared {
    RtcTimeScale scale;
    Measurement measurement;
};

std::variant<Prepared, int> prepare(ResyncMachine& machine, const ResyncSettings& settings) {
    auto scale = resolve_time_scale(settings, machine.files);
    if (!scale) {
        spdlog::error("{}", scale.error().message());
        return kExitUsage;
    }
    auto measurement = measure_offset(machine.rtc, machine.timebase,
                                      edge_options(settings, *scale, machine.selected.identity),
                                      resolve_limits(settings, machine.files));
    if (!measurement) {
        spdlog::error("cannot read {}: {}; nothing changed", machine.selected.path,
                      measurement.error().message());
        return kExitRuntime;
    }
    return Prepared{*scale, std::move(*measurement)};
}

} // namespace

Result<RtcTimeScale> resolve_time_scale(const ResyncSettings& settings, const SystemFiles& files) {
    if (settings.time_scale) return *settings.time_scale;
    auto adjtime = files.read("/etc/adjtime");
    if (!adjtime) return RtcTimeScale::utc; // hwclock's default without the file
    return parse_adjtime_scale(*adjtime);
}

GateLimits resolve_limits(const ResyncSettings& settings, const SystemFiles& files) {
    std::optional<Nanoseconds> last_good;
    if (auto text = files.read(last_good_path(settings))) last_good = parse_last_good(*text);
    GateLimits limits;
    limits.evidence = {build_date_ns(), settings.min_time, last_good, settings.max_offline};
    return limits;
}

Status remember_last_good(const ResyncSettings& settings, const SystemFiles& files,
                          Nanoseconds rtc_time_ns) {
    const auto path = files.resolve(last_good_path(settings));
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    return write_file_atomically(path, format_last_good(rtc_time_ns));
}

int run_status(ResyncMachine& machine, const ResyncSettings& settings, const OutputOptions& output,
               std::ostream& out) {
    auto prepared = prepare(machine, settings);
    if (auto* code = std::get_if<int>(&prepared)) return *code;
    auto& [scale, measurement] = std::get<Prepared>(prepared);
    if (!measurement.verdict.accepted()) spdlog::error("{}", measurement.verdict.reason);
    Report report{machine.selected, scale, measurement, std::nullopt, false};
    out << (output.json ? report_json(report) : report_text(report));
    return exit_code_for(measurement.verdict.refusal);
}

int run_once(ResyncMachine& machine, const ResyncSettings& settings, const OutputOptions& output,
             std::ostream& out) {
    auto prepared = prepare(machine, settings);
    if (auto* code = std::get_if<int>(&prepared)) return *code;
    auto& [scale, measurement] = std::get<Prepared>(prepared);

    auto kernel = machine.adjuster.read_state();
    if (!kernel) {
        spdlog::error("{}; nothing changed", kernel.error().message());
        return kExitRuntime;
    }
    const ClockSituation situation =
        assess_situation(*kernel, find_time_daemons(machine.files), machine.selected.identity);
    const Decision decision = decide(measurement, situation, policy_settings(settings));
    log_decision(decision, measurement, output.dry_run);

    if (auto applied = apply_decision(decision, machine.adjuster, output.dry_run); !applied) {
        spdlog::error("{}", applied.error().message());
        return kExitRuntime;
    }
    if (measurement.verdict.accepted() && !output.dry_run) {
        if (auto saved =
                remember_last_good(settings, machine.files, measurement.estimate.rtc_time_ns);
            !saved)
            spdlog::warn("cannot remember the last good RTC time: {}", saved.error().message());
    }
    Report report{machine.selected, scale, measurement, decision,
                  !output.dry_run &&
                      (decision.action == Action::step || decision.action == Action::slew)};
    out << (output.json ? report_json(report) : report_text(report));
    return exit_code_for(decision.refusal);
}

} // namespace guestclock
