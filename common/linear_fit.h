// Least-squares line through (x, y) samples with an honest confidence interval on the slope:
// the rate estimator behind every "clock A runs N ppm faster than clock B" figure.
#pragma once

#include <optional>
#include <span>

namespace guestclock {

struct LinearFit {
    double slope = 0;
    double intercept = 0;
    double slope_stderr = 0; // ordinary least squares standard error
    double residual_rms = 0;
    std::size_t count = 0;
};

// Needs at least 3 samples with distinct x; x and y should be centred near zero by the caller
// (differences from a first sample) so that doubles keep their precision.
std::optional<LinearFit> fit_line(std::span<const double> x, std::span<const double> y);

// Student's t quantile for a two-sided 95% interval with the given degrees of freedom.
double student_t_95(std::size_t degrees_of_freedom);

struct RateEstimate {
    double rate = 0;           // slope of the whole window
    double ci95 = 0;           // half-width of the 95% interval (see estimate_rate)
    double segment_spread = 0; // max - min of the segment slopes: how the rate wandered
    std::size_t samples = 0;
};

// The slope of y over x with a 95% interval that does not pretend the noise is white: the
// window is cut into `segments` equal parts and the interval is the larger of the OLS interval
// and the one from the scatter of the segments' slopes (which sees slow wander, e.g. a host
// slewing the clock, that OLS on correlated samples would hide).
std::optional<RateEstimate> estimate_rate(std::span<const double> x, std::span<const double> y,
                                          std::size_t segments = 5);

} // namespace guestclock
