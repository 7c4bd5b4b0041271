#include "common/chrony_control.h"

#include "common/file_descriptor.h"

#include <array>
#include <charconv>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

namespace guestclock {

namespace {

// chronyc answers from a local socket in milliseconds; one that hangs must not stall the
// daemon's loop (and its watchdog) for long.
constexpr int kChronycTimeoutMs = 2000;

std::vector<std::string_view> split_csv(std::string_view line) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto comma = line.find(',');
        fields.push_back(line.substr(0, comma));
        if (comma == std::string_view::npos) return fields;
        line.remove_prefix(comma + 1);
    }
}

Result<double> parse_number(std::string_view text, std::string_view what) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        return fail(EINVAL, fmt::format("chronyc tracking: {} is not a number: '{}'", what, text));
    return value;
}

} // namespace

Result<ChronyTracking> parse_chrony_tracking(std::string_view csv_line) {
    while (!csv_line.empty() && (csv_line.back() == '\n' || csv_line.back() == '\r'))
        csv_line.remove_suffix(1);
    const auto fields = split_csv(csv_line);
    // Reference ID, name, stratum, reference time, system time, ..., leap status (the 14th).
    if (fields.size() < 14)
        return fail(EINVAL, fmt::format("chronyc tracking: {} fields where 14 were expected",
                                        fields.size()));
    auto reference_time = parse_number(fields[3], "the reference time");
    if (!reference_time) return std::unexpected(reference_time.error());
    auto system_offset = parse_number(fields[4], "the system time offset");
    if (!system_offset) return std::unexpected(system_offset.error());
    return ChronyTracking{std::string(fields[1]), *reference_time, *system_offset,
                          std::string(fields[13])};
}

ChronycControl::ChronycControl(std::string chronyc) : chronyc_(std::move(chronyc)) {}

Result<std::string> ChronycControl::run(const std::vector<std::string>& args) {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) < 0) return fail_errno("pipe2");
    FileDescriptor out(fds[0]);
    FileDescriptor write_end(fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
    std::vector<char*> argv{chronyc_.data()};
    std::vector<std::string> owned = args;
    for (auto& arg : owned)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned =
        posix_spawn(&pid, chronyc_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    write_end.reset();
    if (spawned != 0) return fail(spawned, "run " + chronyc_);

    std::string output;
    pollfd readable{out.get(), POLLIN, 0};
    std::array<char, 512> buffer{};
    bool timed_out = false;
    while (true) {
        const int ready = ::poll(&readable, 1, kChronycTimeoutMs);
        if (ready == 0) {
            timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (ready < 0 && errno == EINTR) continue;
        const ssize_t n = ready < 0 ? -1 : ::read(out.get(), buffer.data(), buffer.size());
        if (n <= 0) break;
        output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const std::string command = chronyc_ + " " + fmt::format("{}", fmt::join(args, " "));
    if (timed_out) return fail(ETIMEDOUT, command);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fail(0, fmt::format("{} failed ({})", command,
                                   output.empty() ? "no output" : output.substr(0, 200)));
    return output;
}

Result<ChronyTracking> ChronycControl::tracking() {
    auto output = run({"-n", "-c", "tracking"});
    if (!output) return std::unexpected(output.error());
    return parse_chrony_tracking(*output);
}

Status ChronycControl::remeasure() {
    // NTP sources may poll every 17 minutes; refclocks sample at their own poll anyway. Old
    // samples are not dropped ("reset sources"): chronyd then has no selectable source for
    // seconds, while a sample taken after the disruption already shows it the whole jump.
    auto output = run({"-n", "burst", "4/4"});
    if (!output) return std::unexpected(output.error());
    return {};
}

Status ChronycControl::step() {
    auto output = run({"-n", "makestep"});
    if (!output) return std::unexpected(output.error());
    return {};
}

Status ChronyStepRequest::start(ChronyControl& chrony, Nanoseconds now) {
    auto before = chrony.tracking();
    if (!before) return std::unexpected(before.error());
    if (auto asked = chrony.remeasure(); !asked) return asked;
    last_update_ = before->reference_time;
    started_ = now;
    steps_ = 0;
    state_ = State::waiting_for_update;
    return {};
}

ChronyStepRequest::State ChronyStepRequest::poll(ChronyControl& chrony, Nanoseconds now) {
    if (state_ != State::waiting_for_update) return state_;
    auto tracking = chrony.tracking();
    // A reference time other than the last one seen (the clock went back, so not necessarily
    // later) while synchronised: chronyd updated the clock from a fresh measurement.
    if (tracking && tracking->reference_time != last_update_ &&
        tracking->leap_status != "Not synchronised") {
        last_update_ = tracking->reference_time;
        if (std::abs(tracking->system_offset_s) < kStepAboveSeconds) {
            spdlog::info("chronyd has the clock right again ({} step{} asked of it)", steps_,
                         steps_ == 1 ? "" : "s");
            state_ = State::settled;
            return state_;
        }
        if (auto stepped = chrony.step(); !stepped) {
            spdlog::error("{}", stepped.error().message());
            state_ = State::gave_up;
            return state_;
        }
        ++steps_;
        spdlog::info("chronyd, updated from {} after the disruption, stepped the clock by "
                     "{:+.6f} s at our request",
                     tracking->reference, tracking->system_offset_s);
        return state_;
    }
    if (now - started_ >= kGiveUpAfter) {
        spdlog::warn("chronyd did not have the clock right within {:.0f} s of the disruption",
                     to_seconds(kGiveUpAfter));
        state_ = State::gave_up;
    }
    return state_;
}

} // namespace guestclock
