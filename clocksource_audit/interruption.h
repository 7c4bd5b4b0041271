// SIGINT, SIGTERM and SIGHUP become a flag that the measurement loops poll, so a killed audit
// unwinds normally and the clocksource switch is undone by its destructor.
#pragma once

namespace guestclock {

void install_interruption_handlers();
// The signal that asked us to stop, or 0.
int interruption_signal();

} // namespace guestclock
