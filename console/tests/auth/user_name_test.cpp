// SPDX-License-Identifier: GPL-2.0
#include "auth/user_name.hpp"

#include <gtest/gtest.h>

namespace procsentry::console::auth {
namespace {

TEST(UserName, AcceptsTheDocumentedAlphabetOnly)
{
    EXPECT_TRUE(UserName::valid("alice"));
    EXPECT_TRUE(UserName::valid("ops-1.night_shift"));
    EXPECT_TRUE(UserName::valid(std::string(64, 'a')));
    EXPECT_FALSE(UserName::valid(""));
    EXPECT_FALSE(UserName::valid(std::string(65, 'a')));
    EXPECT_FALSE(UserName::valid("Alice"));
    EXPECT_FALSE(UserName::valid("a b"));
    EXPECT_FALSE(UserName::valid("a\nb"));
    EXPECT_FALSE(UserName::valid("al\xc3\xa9"));
}

}  // namespace
}  // namespace procsentry::console::auth
