// SPDX-License-Identifier: GPL-2.0
#include "proctable/argv_bounds.hpp"

#include <gtest/gtest.h>

#include <string>

namespace procsentry::proctable {
namespace {

using namespace std::string_literals;
using V = std::vector<std::string>;

TEST(ArgvBounds, SplitsLikeTheDecoder)
{
    V out;
    EXPECT_FALSE(split_argv_bounded("a\0bc\0d"s, 3, false, 100, out));
    EXPECT_EQ(out, (V{"a", "bc", "d"}));
    // Trailing NUL: a terminator, unless argc says an empty argument follows.
    EXPECT_FALSE(split_argv_bounded("a\0b\0"s, 2, false, 100, out));
    EXPECT_EQ(out, (V{"a", "b"}));
    EXPECT_FALSE(split_argv_bounded("a\0b\0"s, 3, false, 100, out));
    EXPECT_EQ(out, (V{"a", "b", ""}));
    EXPECT_FALSE(split_argv_bounded("", 0, false, 100, out));
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(split_argv_bounded("", 0, true, 100, out));
}

TEST(ArgvBounds, CutsAtTheBudget)
{
    V out;
    // Each argument costs its length + 1: "abc" (4) + "de" (3) + "f..." cut to 2.
    EXPECT_TRUE(split_argv_bounded("abc\0de\0fghij"s, 3, false, 9, out));
    EXPECT_EQ(out, (V{"abc", "de", "f"}));
    EXPECT_TRUE(split_argv_bounded("abcdef"s, 1, false, 4, out));
    EXPECT_EQ(out, (V{"abc"}));
    EXPECT_TRUE(split_argv_bounded("abc"s, 1, false, 0, out));
    EXPECT_TRUE(out.empty());
    // Exactly at the budget is not a cut.
    EXPECT_FALSE(split_argv_bounded("abc\0de"s, 2, false, 7, out));
    EXPECT_EQ(out, (V{"abc", "de"}));
}

TEST(ArgvBounds, ManyEmptyArgumentsAreCapped)
{
    V out;
    const std::string raw(4000, '\0');
    EXPECT_TRUE(split_argv_bounded(raw, 4001, false, 4096, out));
    EXPECT_EQ(out.size(), 4096 / min_arg_cost);
}

}  // namespace
}  // namespace procsentry::proctable
