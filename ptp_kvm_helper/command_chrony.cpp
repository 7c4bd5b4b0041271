#include "common/atomic_file.h"
#include "common/time_daemons.h"
#include "ptp_kvm_helper/chrony_boot.h"
#include "ptp_kvm_helper/chrony_config.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/phc_discovery.h"

#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace guestclock {

namespace {

// Debian's and Fedora's names for chronyd's unit.
constexpr std::string_view kChronyUnits[] = {"chrony.service", "chronyd.service"};

Result<std::string> main_config_path(const ChronyOptions& options) {
    // Absolute, because SystemFiles reads below its root, not the working directory.
    if (!options.config_file.empty())
        return std::filesystem::absolute(options.config_file).string();
    for (const char* path : {"/etc/chrony/chrony.conf", "/etc/chrony.conf"})
        if (std::filesystem::exists(path)) return std::string(path);
    return fail(ENOENT, "chrony is not installed (no /etc/chrony/chrony.conf or /etc/chrony.conf)");
}

// The paravirtual clock udev knows now, by its stable name; nothing when there is none.
Result<std::optional<std::string>> paravirtual_phc(DeviceFinder& finder) {
    auto candidates = list_phcs(finder);
    if (!candidates) return std::unexpected(candidates.error());
    if (auto chosen = select_phc(*candidates, false)) return preferred_path(*chosen);
    return std::nullopt;
}

// The device chrony should read: the selected clock's stable name, or /dev/ptp_kvm before any
// clock exists (at boot our udev rule creates it before chronyd starts).
std::string chrony_device(DeviceFinder& finder) {
    auto phc = paravirtual_phc(finder);
    return phc ? phc->value_or("/dev/ptp_kvm") : "/dev/ptp_kvm";
}

// chrony.conf's makestep lines after confdir override the drop-in's; each is one warning.
bool warn_overriding_makestep(const std::vector<ChronyDirective>& config,
                              const std::string& main_path) {
    const auto later = overriding_directives(config, "makestep");
    for (const auto& directive : later)
        spdlog::warn("{}:{}: 'makestep {}' comes after confdir and overrides the drop-in's; "
                     "comment it out so chronyd steps after pauses and reverts",
                     main_path, directive.line, fmt::join(directive.arguments, " "));
    return !later.empty();
}

bool chronyd_runs(const SystemFiles& files) {
    for (const auto& daemon : find_time_daemons(files))
        if (daemon.name == "chronyd") return true;
    return false;
}

// chronyd reads refclock and makestep only at start (chrony 4.3's `reload sources` covers
// NTP sources only), so a running chronyd is restarted through systemd.
int apply_to_running_chronyd(PtpDevices& devices) {
    if (!chronyd_runs(devices.files)) {
        spdlog::info("chronyd is not running; it reads the drop-in when it starts");
        return kExitOk;
    }
    Error last;
    for (std::string_view unit : kChronyUnits) {
        auto restarted = devices.units.try_restart(unit);
        if (restarted) {
            spdlog::info("restarted {} so chronyd reads the drop-in", unit);
            return kExitOk;
        }
        last = restarted.error();
        if (last.errno_value != ENOENT) break;
    }
    spdlog::warn("chronyd runs but could not be restarted ({}); restart it to use the drop-in",
                 last.message());
    return kExitFindings;
}

// --boot: before chronyd starts, make the drop-in match this boot's clock (chrony_boot.h). It
// never restarts chronyd: at boot it is not running yet, and when it is, a restart is for the
// administrator (or --write) to choose.
int run_chrony_boot(PtpDevices& devices, const std::filesystem::path& path,
                    const std::vector<ChronyDirective>& config, const std::string& main_path,
                    int poll) {
    auto phc = paravirtual_phc(devices.finder);
    if (!phc) {
        spdlog::error("cannot list the PHCs: {}; the drop-in stays as it is",
                      phc.error().message());
        return kExitRuntime;
    }
    std::optional<std::string> current;
    if (auto text = devices.files.read(std::filesystem::absolute(path).string()))
        current = std::move(*text);
    else if (text.error().errno_value != ENOENT) {
        spdlog::error("{}", text.error().message());
        return kExitRuntime;
    }
    const std::string wanted = chrony_drop_in({phc->value_or("/dev/ptp_kvm"), poll});
    const BootDropInPlan plan = plan_boot_drop_in(*phc, current, wanted);
    switch (plan.action) {
    case BootDropIn::write:
        if (auto written = write_file_atomically(path, wanted); !written) {
            spdlog::error("{}", written.error().message());
            return kExitRuntime;
        }
        spdlog::info("wrote {}: {}", path.string(), plan.reason);
        break;
    case BootDropIn::remove: {
        std::error_code ec;
        if (!std::filesystem::remove(path, ec) && ec) {
            spdlog::error("remove {}: {}", path.string(), ec.message());
            return kExitRuntime;
        }
        spdlog::info("removed {}: {}", path.string(), plan.reason);
        break;
    }
    case BootDropIn::leave:
        spdlog::warn("{}: {}", path.string(), plan.reason);
        return kExitOk;
    case BootDropIn::keep:
    case BootDropIn::none:
        spdlog::info("{}: {}", path.string(), plan.reason);
        break;
    }
    // A warning, not a failure: the drop-in is in place, and a failed unit at boot helps no one.
    if (*phc) warn_overriding_makestep(config, main_path);
    if ((plan.action == BootDropIn::write || plan.action == BootDropIn::remove) &&
        chronyd_runs(devices.files))
        spdlog::warn("chronyd already runs and reads the change only when it restarts");
    return kExitOk;
}

} // namespace

int run_chrony(const ChronyOptions& options, PtpDevices& devices) {
    auto main_path = main_config_path(options);
    if (!main_path) {
        spdlog::error("{}", main_path.error().message());
        return kExitRuntime;
    }
    auto main_text = devices.files.read(*main_path);
    if (!main_text) {
        spdlog::error("{}", main_text.error().message());
        return kExitRuntime;
    }
    const auto config = parse_chrony_config(*main_text);
    if (!options.write && !options.remove && !options.boot) {
        fmt::print("{}", chrony_drop_in({chrony_device(devices.finder), options.poll}));
        return kExitOk;
    }

    std::string directory = options.conf_dir;
    if (directory.empty()) {
        auto confdir = drop_in_directory(config);
        if (!confdir) {
            spdlog::error("{} has no confdir directive; name one with --conf-dir", *main_path);
            return kExitUsage;
        }
        directory = *confdir;
    }
    const auto path = std::filesystem::path(directory) / kChronyDropInName;
    if (options.boot) return run_chrony_boot(devices, path, config, *main_path, options.poll);

    if (options.remove) {
        std::error_code ec;
        if (!std::filesystem::remove(path, ec)) {
            if (ec)
                spdlog::error("remove {}: {}", path.string(), ec.message());
            else
                spdlog::info("{} was not there", path.string());
            return ec ? kExitRuntime : kExitOk;
        }
        spdlog::info("removed {}", path.string());
        return apply_to_running_chronyd(devices);
    }

    if (auto written = write_file_atomically(
            path, chrony_drop_in({chrony_device(devices.finder), options.poll}));
        !written) {
        spdlog::error("{}", written.error().message());
        return kExitRuntime;
    }
    spdlog::info("wrote {}", path.string());
    const int code = warn_overriding_makestep(config, *main_path) ? kExitFindings : kExitOk;
    const int applied = apply_to_running_chronyd(devices);
    return applied != kExitOk ? applied : code;
}

} // namespace guestclock
