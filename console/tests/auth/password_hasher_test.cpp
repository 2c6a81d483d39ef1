// SPDX-License-Identifier: GPL-2.0
#include "auth/password_hasher.hpp"

#include <gtest/gtest.h>

#include "auth/base64.hpp"

namespace procsentry::console::auth {
namespace {

TEST(PasswordHasher, DefaultIsScryptN15R8P1WithSaltAndKey)
{
    PasswordHasher h;
    std::string phc = h.hash("correct horse battery");
    ASSERT_EQ(phc.rfind("$scrypt$ln=15,r=8,p=1$", 0), 0u) << phc;
    // 16-byte salt (22 chars unpadded) and 32-byte key (43 chars).
    std::string rest = phc.substr(std::string("$scrypt$ln=15,r=8,p=1$").size());
    auto dollar = rest.find('$');
    EXPECT_EQ(Base64::decode(rest.substr(0, dollar))->size(), 16u);
    EXPECT_EQ(Base64::decode(rest.substr(dollar + 1))->size(), 32u);
    EXPECT_TRUE(PasswordHasher::verify("correct horse battery", phc));
    EXPECT_FALSE(PasswordHasher::verify("correct horse batterY", phc));
}

TEST(PasswordHasher, SaltsDiffer)
{
    PasswordHasher h(10);
    EXPECT_NE(h.hash("same password"), h.hash("same password"));
}

TEST(PasswordHasher, MalformedOrHostileStringsNeverVerify)
{
    PasswordHasher h(10);
    std::string good = h.hash("pw");
    EXPECT_TRUE(PasswordHasher::verify("pw", good));
    for (const std::string& bad :
         {std::string(""), std::string("$scrypt$"), std::string("plain"), std::string("$argon2$ln=10,r=8,p=1$a$b"),
          std::string("$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0$") + std::string(43, 'A'),  // 2^40: refused
          std::string("$scrypt$ln=10,r=999,p=1$c2FsdHNhbHRzYWx0$") + std::string(43, 'A'),
          std::string("$scrypt$ln=10,r=8,p=1$!!$") + std::string(43, 'A'),
          std::string("$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0$short"), good + "$extra"}) {
        EXPECT_FALSE(PasswordHasher::verify("pw", bad)) << bad;
    }
}

TEST(PasswordHasher, DummyHashIsAValidHashOfSomethingElse)
{
    PasswordHasher h(10);
    EXPECT_EQ(h.dummy_hash().rfind("$scrypt$ln=10,", 0), 0u);
    EXPECT_FALSE(PasswordHasher::verify("", h.dummy_hash()));
    EXPECT_FALSE(PasswordHasher::verify("admin", h.dummy_hash()));
}

TEST(PasswordHasher, CostOutOfRangeIsRefused)
{
    EXPECT_THROW(PasswordHasher(3), std::invalid_argument);
    EXPECT_THROW(PasswordHasher(21), std::invalid_argument);
}

TEST(Base64, RoundTripsAllLengths)
{
    std::string data;
    for (int i = 0; i < 40; ++i) {
        auto back = Base64::decode(Base64::encode(data, false));
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, data);
        data += static_cast<char>(i * 37);
    }
    EXPECT_EQ(Base64::encode("\xfb\xff", true), "-_8");
    EXPECT_FALSE(Base64::decode("a"));
    EXPECT_FALSE(Base64::decode("ab=c"));
}

}  // namespace
}  // namespace procsentry::console::auth
