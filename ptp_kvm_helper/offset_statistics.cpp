#include "ptp_kvm_helper/offset_statistics.h"

#include <algorithm>
#include <cmath>

namespace guestclock {

namespace {

// The lower median for an even count: a value that was measured, never an average of two.
Nanoseconds median(std::vector<Nanoseconds> values) {
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>((values.size() - 1) / 2);
    std::ranges::nth_element(values, middle);
    return *middle;
}

} // namespace

SystemMinusPhcStatistics summarize_system_minus_phc(const std::vector<PhcSample>& samples) {
    std::vector<Nanoseconds> offsets;
    std::vector<Nanoseconds> delays;
    for (const auto& sample : samples) {
        offsets.push_back(sample.system_minus_phc_ns());
        delays.push_back(sample.delay_ns);
    }
    SystemMinusPhcStatistics stats;
    stats.count = static_cast<int>(offsets.size());
    stats.median_ns = median(offsets);
    stats.min_ns = *std::ranges::min_element(offsets);
    stats.max_ns = *std::ranges::max_element(offsets);
    stats.median_delay_ns = median(delays);
    // Deviations from the median keep the sums small whatever the absolute offset.
    double sum = 0;
    double sum_squares = 0;
    for (Nanoseconds offset : offsets) {
        const auto d = static_cast<double>(offset - stats.median_ns);
        sum += d;
        sum_squares += d * d;
    }
    const double n = stats.count;
    stats.stddev_ns = n > 1 ? std::sqrt(std::max(0.0, (sum_squares - sum * sum / n) / (n - 1))) : 0;
    return stats;
}

} // namespace guestclock
