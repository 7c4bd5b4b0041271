// The seed of the statistical tests, which draw their intervals, rates and noise at random (as
// chrony's unit tests do) so that each run tries the servos and estimators somewhere new.
// GUESTCLOCK_TEST_SEED=N repeats a run; without it the seed is random. Either way it is printed
// once, so a failure can be reproduced.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string_view>

inline std::uint64_t test_seed() {
    static const std::uint64_t seed = [] {
        std::uint64_t value = 0;
        const char* given = std::getenv("GUESTCLOCK_TEST_SEED");
        const std::string_view text = given != nullptr ? given : "";
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
            std::random_device device;
            value = (std::uint64_t{device()} << 32) | device();
        }
        std::cout << "GUESTCLOCK_TEST_SEED=" << value << '\n';
        return value;
    }();
    return seed;
}

// A generator for one test: the run's seed mixed with the test's own salt, so that tests do not
// draw the same numbers and adding one does not change what the others draw.
inline std::mt19937_64 seeded_random(std::uint32_t salt) {
    // seed_seq keeps 32 bits of each value.
    const std::uint64_t seed = test_seed();
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           salt};
    return std::mt19937_64(sequence);
}
