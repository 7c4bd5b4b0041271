#include "common/atomic_file.h"
#include "common/system_files.h"
#include "common/time_daemons.h"
#include "ptp_kvm_helper/chrony_config.h"
#include "ptp_kvm_helper/commands.h"
#include "ptp_kvm_helper/phc_discovery.h"
#include "ptp_kvm_helper/unit_restart.h"

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

// The device chrony should read: the selected clock's stable name, or /dev/ptp_kvm before any
// clock exists (at boot our udev rule creates it before chronyd starts).
std::string chrony_device() {
    UdevDeviceFinder finder;
    if (auto candidates = list_phcs(finder))
        if (auto chosen = select_phc(*candidates, false)) return preferred_path(*chosen);
    return "/dev/ptp_kvm";
}

bool chronyd_runs() {
    for (const auto& daemon : find_time_daemons(SystemFiles("/")))
        if (daemon.name == "chronyd") return true;
    return false;
}

// chronyd reads refclock and makestep only at start (chrony 4.3's `reload sources` covers
// NTP sources only), so a running chronyd is restarted through systemd.
int apply_to_running_chronyd() {
    if (!chronyd_runs()) {
        spdlog::info("chronyd is not running; it reads the drop-in when it starts");
        return kExitOk;
    }
    Error last;
    for (std::string_view unit : kChronyUnits) {
        auto restarted = try_restart_unit(unit);
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

} // namespace

int run_chrony(const ChronyOptions& options) {
    auto main_path = main_config_path(options);
    if (!main_path) {
        spdlog::error("{}", main_path.error().message());
        return kExitRuntime;
    }
    auto main_text = SystemFiles("/").read(*main_path);
    if (!main_text) {
        spdlog::error("{}", main_text.error().message());
        return kExitRuntime;
    }
    const auto config = parse_chrony_config(*main_text);
    const std::string drop_in = chrony_drop_in({chrony_device(), options.poll});
    if (!options.write && !options.remove) {
        fmt::print("{}", drop_in);
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
        return apply_to_running_chronyd();
    }

    if (auto written = write_file_atomically(path, drop_in); !written) {
        spdlog::error("{}", written.error().message());
        return kExitRuntime;
    }
    spdlog::info("wrote {}", path.string());
    int code = kExitOk;
    for (const auto& later : overriding_directives(config, "makestep")) {
        spdlog::warn("{}:{}: 'makestep {}' comes after confdir and overrides the drop-in's; "
                     "comment it out so chronyd steps after pauses and reverts",
                     *main_path, later.line, fmt::join(later.arguments, " "));
        code = kExitFindings;
    }
    const int applied = apply_to_running_chronyd();
    return applied != kExitOk ? applied : code;
}

} // namespace guestclock
