// SPDX-License-Identifier: GPL-2.0
#include "format/stats_formatter.hpp"

#include <gtest/gtest.h>

#include "support/json.hpp"

namespace procsentry::format {
namespace {

TEST(StatsFormatter, AllFieldsAndTotals)
{
    abi::Stats s;
    s.nr_cpus = 2;
    s.cpus.resize(2);
    s.cpus[0].produced = 10;
    s.cpus[0].delivered = 8;
    s.cpus[0].dropped_full = 2;
    s.cpus[1].produced = 5;
    s.cpus[1].pending = 5;
    s.cpus[1].messages = 1;
    s.global = procsentry_global_stats{};
    s.global->probe_missed = 3;
    s.global->listeners = 1;
    s.global->hook_mode = 1;
    const auto j = test::parse_json(StatsFormatter::to_json(s));
    EXPECT_EQ(j["type"].asString(), "stats");
    EXPECT_EQ(j["nr_cpus"].asUInt(), 2U);
    ASSERT_EQ(j["cpus"].size(), 2U);
    EXPECT_EQ(j["cpus"][1]["cpu"].asUInt(), 1U);
    EXPECT_EQ(j["cpus"][1]["pending"].asUInt(), 5U);
    const std::vector<std::string> fields{"delivered",          "dropped_full", "dropped_no_listener",
                                          "dropped_nomem",      "dropped_reader", "messages",
                                          "pending",            "produced"};
    EXPECT_EQ(j["totals"].getMemberNames(), fields);
    EXPECT_EQ(j["totals"]["produced"].asUInt(), 15U);
    EXPECT_EQ(j["totals"]["dropped_full"].asUInt(), 2U);
    EXPECT_EQ(j["global"]["probe_missed"].asUInt(), 3U);
    EXPECT_EQ(j["global"]["hook_mode"].asUInt(), 1U);
    EXPECT_EQ(j["global"].size(), 6U);
    EXPECT_FALSE(j.isMember("config"));
}

TEST(StatsFormatter, ConfigWhenPresent)
{
    abi::Stats s;
    s.config = procsentry_config{};
    s.config->event_mask = 0x3e;
    s.config->argv_max = 4096;
    const auto j = test::parse_json(StatsFormatter::to_json(s));
    EXPECT_EQ(j["config"]["event_mask"].asUInt(), 0x3eU);
    EXPECT_EQ(j["config"]["argv_max"].asUInt(), 4096U);
    EXPECT_EQ(j["cpus"].size(), 0U);
    EXPECT_FALSE(j.isMember("global"));
}

}  // namespace
}  // namespace procsentry::format
