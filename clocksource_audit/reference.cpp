#include "clocksource_audit/reference.h"

#include "common/linear_fit.h"
#include "common/phc_kind.h"
#include "common/rtc_edges.h"

#include <algorithm>

namespace guestclock {

namespace {

constexpr Nanoseconds kPhcSpacing = 100 * kNsPerMs;
constexpr int kPhcReadsPerSample = 5;
constexpr int kRtcEdgesPerCall = 5;

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

Nanoseconds median(std::vector<Nanoseconds> values) {
    const auto middle = values.begin() + static_cast<long>(values.size() / 2);
    std::ranges::nth_element(values, middle);
    return *middle;
}

Result<std::vector<ReferenceSample>> sample_phc(const ReferenceChoice& choice, Nanoseconds duration,
                                                const ProgressCallback& progress,
                                                std::string& method) {
    auto phc = choice.devices.open_phc(choice.path);
    if (!phc) return std::unexpected(phc.error());
    Timebase& timebase = *choice.devices.timebase;
    std::vector<ReferenceSample> samples;
    PhcMethod first = PhcMethod::precise;
    const Nanoseconds start = timebase.now().monoraw;
    Nanoseconds next_progress = start + kNsPerSec;
    for (;;) {
        auto reading = read_phc_offset(**phc, kPhcReadsPerSample, first);
        if (!reading) return std::unexpected(reading.error());
        first = reading->method; // methods found unsupported are not tried again
        method = std::string(phc_method_name(reading->method));
        const SystemTimestamp after = timebase.now();
        const PhcSample& best = tightest_sample(reading->samples);
        // Non-precise methods pair the PHC with CLOCK_REALTIME only; map that instant onto
        // MONOTONIC_RAW through the two clocks read together just after.
        const Nanoseconds monoraw =
            best.monoraw_ns.value_or(after.monoraw - (after.realtime - best.system_ns));
        samples.push_back({best.system_ns, monoraw, best.phc_ns, best.delay_ns / 2});
        if (after.monoraw - start >= duration) break;
        if (after.monoraw >= next_progress && progress) {
            next_progress += kNsPerSec;
            if (auto go_on = progress(after.monoraw - start, duration); !go_on)
                return std::unexpected(go_on.error());
        }
        timebase.sleep_for(kPhcSpacing);
    }
    return samples;
}

Result<std::vector<ReferenceSample>> sample_rtc(const ReferenceChoice& choice, Nanoseconds duration,
                                                RtcTimeScale scale,
                                                const ProgressCallback& progress,
                                                std::string& method) {
    auto rtc = choice.devices.open_rtc(choice.path);
    if (!rtc) return std::unexpected(rtc.error());
    Timebase& timebase = *choice.devices.timebase;
    std::vector<ReferenceSample> samples;
    const auto wanted = static_cast<size_t>(std::max<Nanoseconds>(3, duration / kNsPerSec));
    const Nanoseconds start = timebase.now().monoraw;
    while (samples.size() < wanted) {
        EdgeReadOptions options;
        options.scale = scale;
        options.count =
            static_cast<int>(std::min<size_t>(kRtcEdgesPerCall, wanted - samples.size()));
        auto edges = read_edges(**rtc, timebase, options);
        if (!edges) return std::unexpected(edges.error());
        for (const auto& edge : *edges) {
            method = std::string(edge_method_name(edge.method));
            samples.push_back(
                {edge.realtime_ns, edge.monoraw_ns, edge.rtc_time_ns, edge.uncertainty_ns});
        }
        if (progress)
            if (auto go_on = progress(timebase.now().monoraw - start, duration); !go_on)
                return std::unexpected(go_on.error());
    }
    return samples;
}

} // namespace

std::optional<ReferenceChoice> choose_reference(const Inventory& inventory, std::string_view option,
                                                std::string& why_none) {
    if (option == "none") {
        why_none = "disabled with --reference none";
        return std::nullopt;
    }
    if (option != "auto") {
        const bool is_rtc = starts_with(option, "/dev/rtc");
        return ReferenceChoice{is_rtc ? ReferenceKind::rtc : ReferenceKind::phc,
                               std::string(option)};
    }
    std::vector<DeviceInfo> phcs;
    for (const auto& phc : inventory.phcs) {
        if (phc.devnode.empty()) continue;
        DeviceInfo info;
        info.sysname = phc.sysname;
        info.devnode = phc.devnode;
        info.symlinks = phc.symlinks;
        info.attributes["clock_name"] = phc.name;
        info.network_interfaces = phc.network_interfaces;
        phcs.push_back(std::move(info));
    }
    if (auto phc = select_phc(classify_phcs(phcs), false))
        return ReferenceChoice{ReferenceKind::phc, preferred_path(*phc)};
    const ClockDevice* rtc = nullptr;
    for (const auto& candidate : inventory.rtcs) {
        if (candidate.devnode.empty()) continue;
        if (rtc == nullptr || (candidate.hctosys && !rtc->hctosys)) rtc = &candidate;
    }
    if (rtc != nullptr) return ReferenceChoice{ReferenceKind::rtc, rtc->devnode};
    why_none = inventory.phcs.empty()
                   ? "no paravirtual PHC and no RTC"
                   : "only NIC PHCs (name one with --reference to use it) and no RTC";
    return std::nullopt;
}

ReferenceComparison summarise_reference(const std::vector<ReferenceSample>& samples,
                                        std::string device, std::string method) {
    ReferenceComparison comparison;
    comparison.device = std::move(device);
    comparison.method = std::move(method);
    comparison.samples = samples.size();
    if (samples.empty()) return comparison;
    std::vector<Nanoseconds> system_minus_reference;
    std::vector<Nanoseconds> uncertainties;
    for (const auto& s : samples) {
        system_minus_reference.push_back(s.system_ns - s.reference_ns);
        uncertainties.push_back(s.uncertainty_ns);
    }
    const Nanoseconds median_offset = median(system_minus_reference);
    comparison.system_minus_reference_ns = median_offset;
    // The pairing's own uncertainty plus the scatter around the median (median absolute
    // deviation): jitter the pairing does not see still makes the offset less certain.
    std::vector<Nanoseconds> deviations;
    deviations.reserve(system_minus_reference.size());
    for (const auto o : system_minus_reference)
        deviations.push_back(o > median_offset ? o - median_offset : median_offset - o);
    comparison.uncertainty_ns = median(uncertainties) + median(deviations);

    std::vector<double> reference_elapsed;
    std::vector<double> monoraw_elapsed;
    for (const auto& s : samples) {
        reference_elapsed.push_back(
            static_cast<double>(s.reference_ns - samples.front().reference_ns));
        monoraw_elapsed.push_back(static_cast<double>(s.monoraw_ns - samples.front().monoraw_ns));
    }
    if (auto rate = estimate_rate(reference_elapsed, monoraw_elapsed)) {
        comparison.rate_ppm = (rate->rate - 1.0) * 1e6;
        comparison.rate_ci_ppm = rate->ci95 * 1e6;
    }
    return comparison;
}

Result<ReferenceComparison> compare_with_reference(const ReferenceChoice& choice,
                                                   Nanoseconds duration, RtcTimeScale rtc_scale,
                                                   const ProgressCallback& progress) {
    std::string method;
    auto samples = choice.kind == ReferenceKind::phc
                       ? sample_phc(choice, duration, progress, method)
                       : sample_rtc(choice, duration, rtc_scale, progress, method);
    if (!samples) return std::unexpected(samples.error());
    return summarise_reference(*samples, choice.path, method);
}

} // namespace guestclock
