// SPDX-License-Identifier: GPL-2.0
#include "auth/tokens.hpp"

#include <set>

#include <gtest/gtest.h>

namespace procsentry::console::auth {
namespace {

TEST(Tokens, PrefixedRandomBase64Url)
{
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        std::string t = Tokens::generate(Tokens::kApi);
        ASSERT_EQ(t.rfind("pst_", 0), 0u);
        EXPECT_EQ(t.size(), 4u + 43u);  // 32 bytes
        EXPECT_EQ(t.find_first_not_of("pst_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-", 4),
                  std::string::npos);
        EXPECT_TRUE(seen.insert(t).second);
    }
    EXPECT_EQ(Tokens::generate(Tokens::kEnrollment).rfind("pse_", 0), 0u);
    EXPECT_EQ(Tokens::generate(Tokens::kAgent).rfind("psa_", 0), 0u);
}

TEST(Tokens, Sha256Hex)
{
    EXPECT_EQ(Tokens::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Tokens, Equal)
{
    EXPECT_TRUE(Tokens::equal("abc", "abc"));
    EXPECT_FALSE(Tokens::equal("abc", "abd"));
    EXPECT_FALSE(Tokens::equal("abc", "abcd"));
}

}  // namespace
}  // namespace procsentry::console::auth
