#include "common/rtc_edges.h"

namespace guestclock {

namespace {

// How long before a predicted edge polling resumes after sleeping: covers scheduling delay and
// the RTC's own rate error over one second with a wide margin.
constexpr Nanoseconds kPollWakeMargin = 20 * kNsPerMs;

Result<BracketedRead> bracketed_read(Rtc& rtc, Timebase& timebase, RtcTimeScale scale) {
    BracketedRead read;
    read.before = timebase.now();
    auto time = rtc.read_time();
    read.after = timebase.now();
    if (!time) return std::unexpected(time.error());
    auto epoch = rtc_time_to_epoch_ns(*time, scale);
    if (!epoch) return std::unexpected(epoch.error());
    read.rtc_time_ns = *epoch;
    return read;
}

// Switches update interrupts off on every path out of the UIE loop.
class UpdateInterrupts {
  public:
    explicit UpdateInterrupts(Rtc& rtc) : rtc_(rtc) {}
    UpdateInterrupts(const UpdateInterrupts&) = delete;
    UpdateInterrupts& operator=(const UpdateInterrupts&) = delete;
    ~UpdateInterrupts() {
        // Closing the device switches them off as well; this only does it sooner, so a failure
        // here changes nothing for the caller.
        if (enabled_) {
            [[maybe_unused]] const Status disabled = rtc_.disable_update_interrupts();
        }
    }
    Status enable() {
        auto enabled = rtc_.enable_update_interrupts();
        enabled_ = enabled.has_value();
        return enabled;
    }

  private:
    Rtc& rtc_;
    bool enabled_ = false;
};

// Appends edges caught by update interrupts until edges holds count or an interrupt is late;
// an error only for a failed device call other than "no UIE here".
Status read_interrupt_edges(Rtc& rtc, Timebase& timebase, const EdgeReadOptions& options,
                            std::vector<RtcEdge>& edges) {
    UpdateInterrupts interrupts(rtc);
    if (auto enabled = interrupts.enable(); !enabled) {
        if (enabled.error().is_not_supported()) return {};
        return enabled;
    }
    bool stale_skipped = false;
    while (static_cast<int>(edges.size()) < options.count) {
        auto arrived = rtc.wait_for_interrupt(options.edge_timeout);
        if (!arrived) return std::unexpected(arrived.error());
        if (!*arrived) return {}; // the tick never came: let polling finish the job
        const SystemTimestamp woke = timebase.now();
        if (!stale_skipped) {
            stale_skipped = true;
            continue;
        }
        auto read = bracketed_read(rtc, timebase, options.scale);
        if (!read) return std::unexpected(read.error());
        const RtcEdge edge = edge_from_interrupt(woke, *read);
        if (edge.uncertainty_ns <= options.max_edge_uncertainty) edges.push_back(edge);
    }
    return {};
}

Status read_polled_edges(Rtc& rtc, Timebase& timebase, const EdgeReadOptions& options,
                         std::vector<RtcEdge>& edges) {
    auto previous = bracketed_read(rtc, timebase, options.scale);
    if (!previous) return std::unexpected(previous.error());
    Nanoseconds deadline = previous->before.monoraw + options.edge_timeout;
    while (static_cast<int>(edges.size()) < options.count) {
        auto current = bracketed_read(rtc, timebase, options.scale);
        if (!current) return std::unexpected(current.error());
        if (current->after.monoraw > deadline)
            return fail(ETIMEDOUT, "RTC second did not change within the timeout (clock stopped?)");
        auto edge = edge_between_reads(*previous, *current);
        previous = current;
        if (!edge) continue;
        deadline = current->after.monoraw + options.edge_timeout;
        if (edge->uncertainty_ns > options.max_edge_uncertainty) continue;
        edges.push_back(*edge);
        if (static_cast<int>(edges.size()) == options.count) break;
        // Nothing happens for almost a second: sleep instead of spinning, then poll closely.
        timebase.sleep_for(edge->monoraw_ns + kNsPerSec - kPollWakeMargin - timebase.now().monoraw);
        previous = bracketed_read(rtc, timebase, options.scale);
        if (!previous) return std::unexpected(previous.error());
    }
    return {};
}

} // namespace

std::optional<RtcEdge> edge_between_reads(const BracketedRead& earlier,
                                          const BracketedRead& later) {
    if (later.rtc_time_ns == earlier.rtc_time_ns) return std::nullopt;
    const Nanoseconds half_width = (later.after.realtime - earlier.before.realtime) / 2;
    const Nanoseconds half_width_raw = (later.after.monoraw - earlier.before.monoraw) / 2;
    return RtcEdge{later.rtc_time_ns, earlier.before.realtime + half_width,
                   earlier.before.monoraw + half_width_raw, half_width, EdgeMethod::poll};
}

RtcEdge edge_from_interrupt(const SystemTimestamp& woke, const BracketedRead& read) {
    // The read right after waking shows how quickly this system answers at the moment: a
    // stand-in for the interrupt latency we cannot see.
    return RtcEdge{read.rtc_time_ns, woke.realtime, woke.monoraw, read.after.monoraw - woke.monoraw,
                   EdgeMethod::uie};
}

Result<std::vector<RtcEdge>> read_edges(Rtc& rtc, Timebase& timebase,
                                        const EdgeReadOptions& options) {
    std::vector<RtcEdge> edges;
    if (options.count <= 0) return edges;
    if (options.use_interrupts) {
        if (auto status = read_interrupt_edges(rtc, timebase, options, edges); !status)
            return std::unexpected(status.error());
    }
    if (static_cast<int>(edges.size()) < options.count) {
        if (auto status = read_polled_edges(rtc, timebase, options, edges); !status)
            return std::unexpected(status.error());
    }
    return edges;
}

} // namespace guestclock
