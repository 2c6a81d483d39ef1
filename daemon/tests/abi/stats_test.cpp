// SPDX-License-Identifier: GPL-2.0
#include "abi/stats.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace procsentry::abi {
namespace {

std::vector<uint8_t> cpu_array(uint32_t n, std::size_t elem)
{
    std::vector<uint8_t> out(n * elem, 0xee);  // 0xee in bytes past the known struct
    for (uint32_t i = 0; i < n; ++i) {
        procsentry_cpu_stats s{};
        s.produced = 100 + i;
        s.delivered = 90 + i;
        s.messages = 7;
        std::memcpy(out.data() + i * elem, &s, std::min(elem, sizeof s));
    }
    return out;
}

TEST(Stats, ExactSizeArray)
{
    std::vector<procsentry_cpu_stats> v;
    std::string err;
    ASSERT_TRUE(parse_cpu_stats(cpu_array(4, 64), 4, v, err));
    ASSERT_EQ(v.size(), 4U);
    EXPECT_EQ(v[3].produced, 103U);
    EXPECT_EQ(v[3].delivered, 93U);
    const auto t = sum_cpu_stats(v);
    EXPECT_EQ(t.produced, 406U);
    EXPECT_EQ(t.messages, 28U);
}

TEST(Stats, LargerElementsFromANewerModule)
{
    std::vector<procsentry_cpu_stats> v;
    std::string err;
    ASSERT_TRUE(parse_cpu_stats(cpu_array(2, 80), 2, v, err));
    EXPECT_EQ(v[1].produced, 101U);
    EXPECT_EQ(v[1].messages, 7U);
}

TEST(Stats, SmallerElementsAreZeroExtended)
{
    std::vector<procsentry_cpu_stats> v;
    std::string err;
    ASSERT_TRUE(parse_cpu_stats(cpu_array(2, 16), 2, v, err));
    EXPECT_EQ(v[1].produced, 101U);
    EXPECT_EQ(v[1].delivered, 91U);
    EXPECT_EQ(v[1].messages, 0U);
}

TEST(Stats, LengthNotAMultipleOfCpusIsRejected)
{
    std::vector<procsentry_cpu_stats> v;
    std::string err;
    auto a = cpu_array(3, 64);
    a.pop_back();
    EXPECT_FALSE(parse_cpu_stats(a, 3, v, err));
    EXPECT_NE(err.find("3 equal elements"), std::string::npos);
    EXPECT_FALSE(parse_cpu_stats(cpu_array(1, 64), 0, v, err));
    EXPECT_FALSE(parse_cpu_stats({}, 2, v, err));
    EXPECT_TRUE(parse_cpu_stats({}, 0, v, err));
}

TEST(Stats, GlobalAndConfigPrefixes)
{
    procsentry_global_stats g{};
    g.probe_missed = 5;
    g.probes_active = 9;
    std::vector<uint8_t> b(sizeof g + 8, 0xaa);
    std::memcpy(b.data(), &g, sizeof g);
    const auto p = parse_global_stats(b);
    EXPECT_EQ(p.probe_missed, 5U);
    EXPECT_EQ(p.probes_active, 9U);

    const uint8_t half[4] = {0x3e, 0, 0, 0};
    const auto c = parse_config(half);
    EXPECT_EQ(c.event_mask, 0x3eU);
    EXPECT_EQ(c.argv_max, 0U);
}

}  // namespace
}  // namespace procsentry::abi
