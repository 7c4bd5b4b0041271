#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/phc_discovery.h"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

struct ListedPhc {
    PhcCandidate candidate;
    Result<PhcCapabilities> capabilities;
    bool selected = false;
};

Result<PhcCapabilities> read_capabilities(const PhcOpener& open_phc, const std::string& devnode) {
    auto phc = open_phc(devnode);
    if (!phc) return std::unexpected(phc.error());
    return (*phc)->capabilities();
}

nlohmann::json to_json(const ListedPhc& phc) {
    const DeviceInfo& device = phc.candidate.device;
    nlohmann::json j = {{"device", device.devnode},
                        {"sysname", device.sysname},
                        {"clock_name", device.attributes.contains("clock_name")
                                           ? device.attributes.at("clock_name")
                                           : ""},
                        {"kind", phc_kind_name(phc.candidate.kind)},
                        {"driver", device.driver},
                        {"network_interfaces", device.network_interfaces},
                        {"symlinks", device.symlinks},
                        {"selected", phc.selected}};
    if (phc.capabilities) {
        j["cross_timestamping"] = phc.capabilities->cross_timestamping;
        j["max_adjustment_ppb"] = phc.capabilities->max_adjustment_ppb;
    } else {
        j["capabilities_error"] = phc.capabilities.error().message();
    }
    return j;
}

void print_text(const ListedPhc& phc) {
    const DeviceInfo& device = phc.candidate.device;
    std::string kind(phc_kind_name(phc.candidate.kind));
    if (!device.network_interfaces.empty())
        kind += " (" + fmt::format("{}", fmt::join(device.network_interfaces, ", ")) + ")";
    const auto name = device.attributes.find("clock_name");
    fmt::print("{}{} {:<8} \"{}\"", phc.selected ? "* " : "  ", device.devnode, kind,
               name != device.attributes.end() ? name->second : "");
    if (!device.symlinks.empty()) fmt::print(" -> {}", fmt::join(device.symlinks, " "));
    if (phc.capabilities)
        fmt::print("  crosstimestamp={} max_adj={}ppb\n",
                   phc.capabilities->cross_timestamping ? "yes" : "no",
                   phc.capabilities->max_adjustment_ppb);
    else
        fmt::print("  ({})\n", phc.capabilities.error().message());
}

} // namespace

int run_list(const ListOptions& options, PtpDevices& devices) {
    auto candidates = list_phcs(devices.finder);
    if (!candidates) {
        spdlog::error("{}", candidates.error().message());
        return kExitRuntime;
    }
    const auto selected = select_phc(*candidates, options.allow_nic);
    std::vector<ListedPhc> listed;
    for (const auto& candidate : *candidates)
        listed.push_back({candidate, read_capabilities(devices.open_phc, candidate.device.devnode),
                          selected && selected->device.sysname == candidate.device.sysname});
    if (options.json) {
        auto out = nlohmann::json::array();
        for (const auto& phc : listed)
            out.push_back(to_json(phc));
        std::cout << nlohmann::json{{"phcs", out}}.dump(2) << '\n';
    } else {
        if (listed.empty()) fmt::print("no PHC devices\n");
        for (const auto& phc : listed)
            print_text(phc);
    }
    return kExitOk;
}

int run_select(const SelectOptions& options, PtpDevices& devices) {
    std::unique_ptr<DeviceMonitor> monitor;
    if (options.wait_s > 0) {
        auto opened = devices.open_monitor("ptp");
        if (!opened) {
            spdlog::error("{}", opened.error().message());
            return kExitRuntime;
        }
        monitor = std::move(*opened);
    }
    const bool allow_nic = options.allow_nic;
    auto chosen = wait_for_phc(
        devices.finder, monitor.get(),
        [allow_nic](const std::vector<PhcCandidate>& c) { return select_phc(c, allow_nic); },
        static_cast<Nanoseconds>(options.wait_s * 1e9));
    if (!chosen) {
        spdlog::error("{}", chosen.error().message());
        return kExitRuntime;
    }
    if (const auto& phc = *chosen) {
        fmt::print("{}\n", preferred_path(*phc));
        return kExitOk;
    }
    spdlog::warn("no paravirtual PHC{}",
                 allow_nic ? " and no NIC PHC" : " (a NIC's needs --allow-nic)");
    return kExitFindings;
}

} // namespace guestclock
