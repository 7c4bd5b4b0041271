// One table per enum: each value with the one name that log lines, JSON and metric labels all
// print, so a value added to an enum cannot reach one output and miss another. A table lists
// every enumerator once, in declaration order (tests/unit/test_enum_names.cpp checks each), so
// a value is also its row's index.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace guestclock {

template <typename Enum> struct EnumName {
    Enum value;
    std::string_view name;
};

template <typename Enum, std::size_t N>
constexpr std::string_view name_in(const std::array<EnumName<Enum>, N>& table, Enum value) {
    const auto index = static_cast<std::size_t>(value);
    return index < N ? table[index].name : "unknown";
}

// The value a name stands for, as a user or a file writes it.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> value_named(const std::array<EnumName<Enum>, N>& table,
                                          std::string_view name) {
    for (const auto& row : table)
        if (row.name == name) return row.value;
    return std::nullopt;
}

} // namespace guestclock
