#include "common/vmclock.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace guestclock;

namespace {

void put(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value, int size) {
    for (int i = 0; i < size; ++i)
        bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// A vmclock_abi page as a host would fill it.
std::vector<std::uint8_t> page(std::uint64_t marker, std::uint64_t flags,
                               std::uint64_t generation) {
    std::vector<std::uint8_t> bytes(112, 0);
    put(bytes, 0, 0x4b4c4356, 4); // "VCLK"
    put(bytes, 4, 4096, 4);
    put(bytes, 8, 1, 2);
    put(bytes, 12, 42, 4); // seq_count, even: stable
    put(bytes, 16, marker, 8);
    put(bytes, 24, flags, 8);
    bytes[34] = 2; // synchronised
    put(bytes, 104, generation, 8);
    return bytes;
}

} // namespace

TEST_CASE("vmclock: fields decode little-endian at their ABI offsets", "[vmclock]") {
    auto state = parse_vmclock(page(0x1122334455667788, 1U << 8, 7));
    REQUIRE(state);
    REQUIRE(state->seq_count == 42);
    REQUIRE(state->disruption_marker == 0x1122334455667788);
    REQUIRE(state->clock_status == 2);
    REQUIRE(state->vm_generation_counter == 7);

    auto without = parse_vmclock(page(1, 0, 7)); // flag clear: the counter is not there
    REQUIRE(without);
    REQUIRE_FALSE(without->vm_generation_counter);
}

TEST_CASE("vmclock: wrong, truncated or changing structures are errors", "[vmclock]") {
    auto bytes = page(1, 1U << 8, 1);
    bytes[0] = 0;
    REQUIRE(parse_vmclock(bytes).error().errno_value == EINVAL);

    bytes = page(1, 1U << 8, 1);
    REQUIRE(parse_vmclock(std::span(bytes).first(104)).error().errno_value == EINVAL);
    REQUIRE(parse_vmclock(std::span(bytes).first(16)).error().errno_value == EINVAL);
    REQUIRE(parse_vmclock({}).error().errno_value == EINVAL);
    const auto no_counter = page(1, 0, 0);
    REQUIRE(parse_vmclock(std::span(no_counter).first(104))); // no counter: 104 bytes suffice

    bytes = page(1, 0, 0);
    bytes[12] = 43; // odd seq_count: mid-update
    REQUIRE(parse_vmclock(bytes).error().errno_value == EAGAIN);
}

TEST_CASE("vmclock: a migration or a restore is a disruption", "[vmclock]") {
    const VmclockState before = *parse_vmclock(page(5, 1U << 8, 1));
    REQUIRE_FALSE(vmclock_disrupted(before, before));
    REQUIRE(vmclock_disrupted(before, *parse_vmclock(page(6, 1U << 8, 1)))); // migrated
    REQUIRE(vmclock_disrupted(before, *parse_vmclock(page(5, 1U << 8, 2)))); // restored
}

TEST_CASE("vmclock: the device node from the PHC's clock_name", "[vmclock]") {
    REQUIRE(vmclock_device_for("vmclock0") == "/dev/vmclock0");
    REQUIRE(vmclock_device_for("vmclock12") == "/dev/vmclock12");
    REQUIRE_FALSE(vmclock_device_for("vmclock"));
    REQUIRE_FALSE(vmclock_device_for("vmclock0/../x"));
    REQUIRE_FALSE(vmclock_device_for("KVM virtual PTP"));
}
