// Each daemon's settings are one table read by the command line and the files alike: these tests
// prove it key by key, so that a setting can never exist in one and not in the other, nor mean
// two things.
#include "ptp_kvm_helper/sync_settings.h"
#include "rtc_resync/settings.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

using namespace guestclock;

namespace {

// Entries from a command line built only from the table, as main.cpp builds it.
template <typename Settings>
std::vector<ConfigEntry> parse_command_line(std::span<const OptionSpec<Settings>> table,
                                            std::span<const OptionAlias> aliases,
                                            const std::string& arguments) {
    CLI::App app;
    std::vector<ConfigEntry> given;
    add_command_line_options(app, table, aliases, given);
    app.parse(arguments, false);
    return given;
}

template <typename Settings>
std::string arguments_for(const OptionSpec<Settings>& spec, const std::string& value) {
    const std::string name = command_line_name(spec.key);
    return spec.is_switch ? name : name + " " + value;
}

// The keys a shipped default file documents: its "#key = value" lines, uncommented.
std::string uncommented_keys(const std::string& path, std::set<std::string>& keys) {
    std::ifstream file(path);
    std::string text, line;
    while (std::getline(file, line)) {
        const auto equals = line.find(" = ");
        if (line.size() < 2 || line[0] != '#' || line[1] == ' ' || equals == std::string::npos)
            continue;
        keys.insert(line.substr(1, equals - 1));
        text += line.substr(1) + "\n";
    }
    return text;
}

// A valid value, unlike the default, for every key. A new key must be added here.
const std::map<std::string, std::string> kResyncSamples{
    {"device", "rtc1"},
    {"time_scale", "local"},
    {"step_threshold", "0.5"},
    {"jump_threshold", "5"},
    {"daemon_grace", "3"},
    {"interval", "120"},
    {"check_interval", "2"},
    {"min_time", "2026-01-01"},
    {"max_offline", "400d"},
    {"samples", "5"},
    {"no_step", "yes"},
    {"allow_circular_reference", "yes"},
    {"state_directory", "/tmp/state"},
};

const std::map<std::string, std::string> kSyncSamples{
    {"step_threshold", "0.5"},  {"interval", "2"},     {"device", "/dev/ptp3"},
    {"min_time", "2026-01-01"}, {"max_offline", "5y"},
};

} // namespace

TEST_CASE("every rtc_resync setting is a file key and a command-line option meaning the same",
          "[config][rtc_resync]") {
    REQUIRE(resync_options().size() == kResyncSamples.size());
    for (const auto& spec : resync_options()) {
        const std::string key{spec.key};
        INFO(key);
        REQUIRE(kResyncSamples.contains(key));
        const std::string& value = kResyncSamples.at(key);

        auto from_file = resync_settings_from(*parse_config_text(key + " = " + value, "f"));
        auto from_command_line = resync_settings_from(
            parse_command_line(resync_options(), resync_aliases(), arguments_for(spec, value)));
        REQUIRE(from_file);
        REQUIRE(from_command_line);
        REQUIRE_FALSE(*from_file == ResyncSettings{}); // the key set something
        REQUIRE(*from_file == *from_command_line);
    }
}

TEST_CASE("rtc_resync's shorthands are values of table keys", "[config][rtc_resync]") {
    for (const auto& alias : resync_aliases()) {
        INFO(alias.flag);
        auto from_alias = resync_settings_from(
            parse_command_line(resync_options(), resync_aliases(), std::string(alias.flag)));
        auto from_file = resync_settings_from(
            *parse_config_text(std::string(alias.key) + " = " + std::string(alias.value), "f"));
        REQUIRE(from_alias);
        REQUIRE(from_file);
        REQUIRE(*from_alias == *from_file);
    }
    auto utc =
        resync_settings_from(parse_command_line(resync_options(), resync_aliases(), "--utc"));
    REQUIRE(utc->time_scale == RtcTimeScale::utc);
}

TEST_CASE("every sync setting is a file key and a command-line option meaning the same",
          "[config][ptp_kvm_helper]") {
    REQUIRE(sync_options().size() == kSyncSamples.size());
    for (const auto& spec : sync_options()) {
        const std::string key{spec.key};
        INFO(key);
        REQUIRE(kSyncSamples.contains(key));
        const std::string& value = kSyncSamples.at(key);

        SyncOptions from_file, from_command_line;
        REQUIRE(apply_sync_entries(*parse_config_text(key + " = " + value, "f"), from_file));
        REQUIRE(apply_sync_entries(
            parse_command_line(sync_options(), {}, arguments_for(spec, value)), from_command_line));
        const auto fields = [](const SyncOptions& o) {
            return std::tuple{o.step_threshold_s, o.interval_s, o.device, o.min_time,
                              o.max_offline};
        };
        REQUIRE(fields(from_file) != fields(SyncOptions{})); // the key set something
        REQUIRE(fields(from_file) == fields(from_command_line));
    }
}

TEST_CASE("sync's bad settings change nothing and name where they came from",
          "[config][ptp_kvm_helper]") {
    SyncOptions options;
    options.interval_s = 4;
    auto refused = apply_sync_entries(
        {{"f.conf:1", "step_threshold", "0.1"}, {"f.conf:2", "interval", "100"}}, options);
    REQUIRE_FALSE(refused);
    REQUIRE_THAT(refused.error().context, Catch::StartsWith("f.conf:2: interval: "));
    REQUIRE(options.interval_s == 4);
    REQUIRE(options.step_threshold_s == SyncOptions{}.step_threshold_s);
    for (const char* bad : {"-1", "fast", "1e400", "0.5s"})
        REQUIRE_FALSE(apply_sync_entries({{"--step-threshold", "step_threshold", bad}}, options));
    REQUIRE_FALSE(apply_sync_entries({{"f.conf:1", "servo", "pi"}}, options));
}

TEST_CASE("the shipped default files document every key, each line valid when uncommented",
          "[config]") {
    SECTION("rtc_resync.conf") {
        std::set<std::string> documented, keys;
        const std::string text = uncommented_keys("rtc_resync/rtc_resync.conf", documented);
        for (const auto& spec : resync_options())
            keys.emplace(spec.key);
        REQUIRE(documented == keys);
        ResyncSettings settings;
        REQUIRE(apply_config_text(text, settings));
    }
    SECTION("ptp_kvm_helper.conf") {
        std::set<std::string> documented, keys;
        const std::string text = uncommented_keys("ptp_kvm_helper/ptp_kvm_helper.conf", documented);
        for (const auto& spec : sync_options())
            keys.emplace(spec.key);
        REQUIRE(documented == keys);
        SyncOptions options;
        auto entries = parse_config_text(text, "ptp_kvm_helper.conf");
        REQUIRE(entries);
        REQUIRE(apply_sync_entries(*entries, options));
    }
}
