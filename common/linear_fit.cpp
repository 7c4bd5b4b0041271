#include "common/linear_fit.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace guestclock {

std::optional<LinearFit> fit_line(std::span<const double> x, std::span<const double> y) {
    const std::size_t n = std::min(x.size(), y.size());
    if (n < 3) return std::nullopt;
    double mean_x = 0, mean_y = 0;
    for (std::size_t i = 0; i < n; ++i) {
        mean_x += x[i];
        mean_y += y[i];
    }
    mean_x /= static_cast<double>(n);
    mean_y /= static_cast<double>(n);
    double sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (x[i] - mean_x) * (x[i] - mean_x);
        sxy += (x[i] - mean_x) * (y[i] - mean_y);
    }
    if (sxx <= 0) return std::nullopt;
    LinearFit fit;
    fit.count = n;
    fit.slope = sxy / sxx;
    fit.intercept = mean_y - fit.slope * mean_x;
    double sse = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double residual = y[i] - (fit.intercept + fit.slope * x[i]);
        sse += residual * residual;
    }
    fit.residual_rms = std::sqrt(sse / static_cast<double>(n));
    fit.slope_stderr = std::sqrt(sse / static_cast<double>(n - 2) / sxx);
    return fit;
}

double student_t_95(std::size_t degrees_of_freedom) {
    // Exact values where the series below is poor; beyond, the Cornish-Fisher expansion of
    // t around z = 1.959964 (three terms) is within 0.06% of the true quantile.
    static constexpr double kSmall[] = {0, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706};
    if (degrees_of_freedom == 0) return INFINITY;
    if (degrees_of_freedom < std::size(kSmall)) return kSmall[degrees_of_freedom];
    const double z = 1.959964;
    const double v = static_cast<double>(degrees_of_freedom);
    const double z3 = z * z * z;
    const double z5 = z3 * z * z;
    const double z7 = z5 * z * z;
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
           (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

std::optional<RateEstimate> estimate_rate(std::span<const double> x, std::span<const double> y,
                                          std::size_t segments) {
    const std::size_t n = std::min(x.size(), y.size());
    auto whole = fit_line(x.first(n), y.first(n));
    if (!whole) return std::nullopt;
    RateEstimate estimate;
    estimate.rate = whole->slope;
    estimate.samples = n;
    estimate.ci95 = student_t_95(n - 2) * whole->slope_stderr;

    std::vector<double> slopes;
    const std::size_t per_segment = segments > 1 ? n / segments : 0;
    if (per_segment >= 3) {
        for (std::size_t s = 0; s < segments; ++s) {
            auto part = fit_line(x.subspan(s * per_segment, per_segment),
                                 y.subspan(s * per_segment, per_segment));
            if (part) slopes.push_back(part->slope);
        }
    }
    if (slopes.size() >= 2) {
        const auto [lo, hi] = std::ranges::minmax(slopes);
        estimate.segment_spread = hi - lo;
        double mean = 0;
        for (const double s : slopes)
            mean += s;
        mean /= static_cast<double>(slopes.size());
        double variance = 0;
        for (const double s : slopes)
            variance += (s - mean) * (s - mean);
        variance /= static_cast<double>(slopes.size() - 1);
        // Each segment sees 1/k of the span, so its slope error is ~k^1.5 times the whole
        // window's; the mean of k segment slopes is then k times worse than the whole fit.
        const double k = static_cast<double>(slopes.size());
        const double segment_ci = student_t_95(slopes.size() - 1) * std::sqrt(variance / k) / k;
        estimate.ci95 = std::max(estimate.ci95, segment_ci);
    }
    return estimate;
}

} // namespace guestclock
