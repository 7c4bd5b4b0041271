// An audit killed mid-switch, by a signal nothing can catch, still leaves the clocksource it
// found: the watcher puts it back. Each case runs the audit's side in a forked child, as the
// watcher only acts once its parent process is gone.
#include "clocksource_audit/clocksources.h"
#include "tests/unit/temp_dir.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace guestclock;

namespace {

constexpr const char* kCurrent = "sys/devices/system/clocksource/clocksource0/current_clocksource";

struct Machine {
    TempDir root;
    SystemFiles files{root.path()};
    Machine() { root.write(kCurrent, "kvm-clock\n"); }
    std::string current() const { return files.read_line(kCurrent).value_or("(unreadable)"); }
    // The watcher is our grandchild, reparented when the child dies: it cannot be waited for.
    std::string current_once_settled(const std::string& expected) const {
        for (int i = 0; i < 250 && current() != expected; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return current();
    }
};

// Runs `audit` in a child that reports on a pipe when it is done and then waits to be killed or
// to exit; returns its pid and the report ('k' for OK).
std::pair<pid_t, char> run_child(const std::function<bool()>& audit) {
    int report[2];
    REQUIRE(pipe(report) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(report[0]);
        spdlog::set_level(spdlog::level::off); // the watcher's warning is expected here
        const char byte = audit() ? 'k' : 'x';
        if (write(report[1], &byte, 1) != 1) _exit(2);
        pause();
        _exit(0);
    }
    close(report[1]);
    char byte = 0;
    if (read(report[0], &byte, 1) != 1) byte = 0;
    close(report[0]);
    return {pid, byte};
}

void kill_and_reap(pid_t pid) {
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
}

} // namespace

TEST_CASE("An audit SIGKILLed while switched leaves the original clocksource",
          "[audit][clocksource]") {
    Machine machine;
    std::optional<ClocksourceSwitch> switcher; // lives in the child, never destroyed there

    const auto [pid, report] = run_child([&] {
        switcher.emplace(machine.files);
        return switcher->switch_to("tsc") && switcher->switch_to("hpet");
    });
    REQUIRE(report == 'k');
    REQUIRE(machine.current() == "hpet");

    kill_and_reap(pid);
    REQUIRE(machine.current_once_settled("kvm-clock") == "kvm-clock");
}

TEST_CASE("After a normal restore the watcher is gone and writes nothing more",
          "[audit][clocksource]") {
    Machine machine;
    const auto [pid, report] = run_child([&] {
        ClocksourceSwitch switcher(machine.files);
        if (!switcher.switch_to("tsc") || !switcher.restore()) return false;
        // The administrator picks another clocksource after the audit: it must stay.
        return machine.files.write(kCurrent, "acpi_pm").has_value();
    });
    REQUIRE(report == 'k');
    kill_and_reap(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(machine.current() == "acpi_pm");
}

TEST_CASE("No watcher is started while nothing is switched", "[audit][clocksource]") {
    Machine machine;
    const auto [pid, report] = run_child([&] {
        ClocksourceSwitch switcher(machine.files);
        // Already current: no switch, so nothing to restore later.
        if (!switcher.switch_to("kvm-clock")) return false;
        return machine.files.write(kCurrent, "tsc").has_value();
    });
    REQUIRE(report == 'k');
    kill_and_reap(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(machine.current() == "tsc");
}
