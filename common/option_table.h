// One list of a daemon's settings that both its command line and its configuration files read,
// so that no setting can exist in one and not in the other: each entry is a file key and, with
// '_' written '-', the command-line option "--key".
//
// Not CLI11's own configuration reading (App::set_config): a daemon rereads its files on SIGHUP
// over the command line it started with, without parsing argv again, keeping its old settings
// when they are bad; errors must name the file and line; and the drop-ins are a list of files
// where CLI11 reads one. So CLI11 turns argv into entries, and the table applies entries from
// either source the same way.
#pragma once

#include "common/config_text.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

template <typename Settings> struct OptionSpec {
    std::string_view key;
    std::string_view help;
    bool is_switch; // on the command line it takes no value and means "yes"
    Status (*apply)(std::string_view value, Settings& settings);
};

// A command-line shorthand for one value of a key, as --utc is for time_scale = utc.
struct OptionAlias {
    std::string_view flag;
    std::string_view key;
    std::string_view value;
    std::string_view help;
};

// A field's value as given: for fields parsed later, together with what they depend on.
inline Result<std::string> as_text(std::string_view text) {
    return std::string(text);
}

// The setter of one field: its text through Parse (text -> Result<T>) into settings.*Field, so a
// table entry names its field and parser and no setter is written per type.
template <auto Field, auto Parse, typename Settings>
Status set_parsed(std::string_view value, Settings& settings) {
    auto parsed = Parse(value);
    if (!parsed) return std::unexpected(parsed.error());
    settings.*Field = *std::move(parsed);
    return {};
}

// "step_threshold" -> "--step-threshold".
inline std::string command_line_name(std::string_view key) {
    std::string name = "--" + std::string(key);
    std::ranges::replace(name, '_', '-');
    return name;
}

// Adds "--key" for every entry and the aliases; what the user gives lands in given, as entries
// whose origin is the option, to be applied after the files.
template <typename Settings>
void add_command_line_options(CLI::App& app, std::span<const OptionSpec<Settings>> table,
                              std::span<const OptionAlias> aliases,
                              std::vector<ConfigEntry>& given) {
    for (const auto& spec : table) {
        const std::string name = command_line_name(spec.key);
        const std::string key{spec.key};
        const std::string help{spec.help};
        if (spec.is_switch)
            app.add_flag_callback(
                name,
                [&given, name, key] {
                    given.push_back({name, key, "yes"});
                },
                help);
        else
            app.add_option_function<std::string>(
                name,
                [&given, name, key](const std::string& v) {
                    given.push_back({name, key, v});
                },
                help);
    }
    for (const auto& alias : aliases) {
        const std::string flag{alias.flag};
        app.add_flag_callback(
            flag,
            [&given, flag, key = std::string(alias.key), value = std::string(alias.value)] {
                given.push_back({flag, key, value});
            },
            std::string(alias.help));
    }
}

// Applies entries in order, so a later one (a drop-in, the command line) wins. An unknown key or
// a bad value is an error naming the entry's origin; settings may then be half changed, so
// callers apply onto a copy.
template <typename Settings>
Status apply_entries(std::span<const OptionSpec<Settings>> table,
                     const std::vector<ConfigEntry>& entries, Settings& settings) {
    for (const auto& entry : entries) {
        const auto spec = std::ranges::find(table, entry.key, &OptionSpec<Settings>::key);
        if (spec == table.end())
            return fail(0, fmt::format("{}: unknown key \"{}\"", entry.origin, entry.key));
        if (auto applied = spec->apply(entry.value, settings); !applied) {
            // An option names its key already; a file's line needs it said.
            const bool option = entry.origin.starts_with("--");
            return fail(0, fmt::format("{}: {}{}", entry.origin, option ? "" : entry.key + ": ",
                                       applied.error().context));
        }
    }
    return {};
}

} // namespace guestclock
