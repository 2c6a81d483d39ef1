// SPDX-License-Identifier: GPL-2.0
#include "abi/record.hpp"

#include <gtest/gtest.h>

namespace procsentry::abi {
namespace {

using V = std::vector<std::string>;
using namespace std::string_literals;

TEST(SplitArgv, JoinedWithoutTerminator) { EXPECT_EQ(split_argv("ls\0-l\0/tmp"s, 3, false), (V{"ls", "-l", "/tmp"})); }

TEST(SplitArgv, TrailingNulIsATerminator) { EXPECT_EQ(split_argv("ls\0-l\0"s, 2, false), (V{"ls", "-l"})); }

TEST(SplitArgv, TrailingNulBeforeEmptyLastArgumentPerArgc)
{
    EXPECT_EQ(split_argv("ls\0"s, 2, false), (V{"ls", ""}));
}

TEST(SplitArgv, EmptyArgumentsInTheMiddleAreKept)
{
    EXPECT_EQ(split_argv("a\0\0b"s, 3, false), (V{"a", "", "b"}));
}

TEST(SplitArgv, TruncatedKeepsPartialLastArgument)
{
    EXPECT_EQ(split_argv("echo\0hel"s, 5, true), (V{"echo", "hel"}));
    EXPECT_EQ(split_argv("echo\0"s, 2, true), (V{"echo"}));
}

TEST(SplitArgv, EmptyIsNoArguments) { EXPECT_TRUE(split_argv("", 0, false).empty()); }

TEST(SplitArgv, NewlinesStayInsideArguments)
{
    EXPECT_EQ(split_argv("sh\0-c\0echo a\necho b"s, 3, false), (V{"sh", "-c", "echo a\necho b"}));
}

}  // namespace
}  // namespace procsentry::abi
