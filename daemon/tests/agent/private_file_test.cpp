// SPDX-License-Identifier: GPL-2.0
#include "agent/credential_store.hpp"
#include "agent/policy_store.hpp"
#include "agent/private_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace procsentry::agent {
namespace {

using ::testing::HasSubstr;

TEST(PrivateFile, WritesMode0600WhateverTheUmaskAndNeverThroughASymlink)
{
    procsentry::test::TempDir dir;
    const mode_t old = umask(0);
    std::string err;
    ASSERT_TRUE(PrivateFile::write(dir.file("f"), "secret", err)) << err;
    umask(old);
    struct stat st {};
    ASSERT_EQ(stat(dir.file("f").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);

    // A planted link at the temporary name does not redirect the write.
    std::ofstream(dir.file("victim")) << "untouched";
    ASSERT_EQ(symlink(dir.file("victim").c_str(), dir.file("f.tmp").c_str()), 0);
    ASSERT_TRUE(PrivateFile::write(dir.file("f"), "new", err)) << err;
    std::ifstream v(dir.file("victim"));
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(v), {}), "untouched");
    std::string text;
    ASSERT_TRUE(PrivateFile::read(dir.file("f"), 100, text, err));
    EXPECT_EQ(text, "new");
}

TEST(PrivateFile, ReadIsBoundedAndRefusesNonRegularFiles)
{
    procsentry::test::TempDir dir;
    std::string text, err;
    EXPECT_FALSE(PrivateFile::read(dir.file("missing"), 10, text, err));
    EXPECT_TRUE(err.empty());  // missing is not an error
    std::ofstream(dir.file("big")) << std::string(11, 'x');
    EXPECT_FALSE(PrivateFile::read(dir.file("big"), 10, text, err));
    EXPECT_THAT(err, HasSubstr("larger than 10"));
    EXPECT_FALSE(PrivateFile::read(dir.path(), 10, text, err));
    EXPECT_THAT(err, HasSubstr("not a regular file"));
}

TEST(CredentialStore, RoundTripAndDamagedFiles)
{
    procsentry::test::TempDir dir;
    CredentialStore store(dir.path());
    std::string err;
    ASSERT_TRUE(store.save({"https://c.example", 42, "psa_x"}, err)) << err;
    auto c = store.load("https://c.example", err);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host_id, 42);
    EXPECT_EQ(c->agent_token, "psa_x");
    EXPECT_FALSE(store.load("https://other.example", err));
    EXPECT_TRUE(err.empty());

    std::ofstream(store.path()) << R"({"url": "https://c.example", "host_id": 1, "agent_token": "a\nb"})";
    EXPECT_FALSE(store.load("https://c.example", err));
    EXPECT_THAT(err, HasSubstr("not a credential"));
    std::ofstream(store.path()) << "{";
    EXPECT_FALSE(store.load("https://c.example", err));
    EXPECT_THAT(err, HasSubstr("not valid JSON"));
}

TEST(PolicyStore, KeptPerConsoleUrl)
{
    procsentry::test::TempDir dir;
    PolicyStore store(dir.path());
    std::string err;
    Json::Value policy;
    policy["rules"] = Json::Value(Json::arrayValue);
    ASSERT_TRUE(store.save("https://c.example", {9, policy}, err)) << err;
    auto p = store.load("https://c.example", err);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->version, 9u);
    EXPECT_TRUE(p->policy["rules"].isArray());
    // Another console's version 9 is another policy.
    EXPECT_FALSE(store.load("https://new.example", err));
}

}  // namespace
}  // namespace procsentry::agent
