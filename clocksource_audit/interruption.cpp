#include "clocksource_audit/interruption.h"

#include <csignal>
#include <initializer_list>

namespace guestclock {

namespace {

volatile std::sig_atomic_t g_signal = 0;

void remember(int signo) {
    g_signal = signo;
}

} // namespace

void install_interruption_handlers() {
    struct sigaction action {};
    action.sa_handler = remember;
    sigemptyset(&action.sa_mask);
    for (const int signo : {SIGINT, SIGTERM, SIGHUP})
        sigaction(signo, &action, nullptr);
}

int interruption_signal() {
    return g_signal;
}

} // namespace guestclock
