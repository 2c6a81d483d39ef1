// SPDX-License-Identifier: GPL-2.0
#include "proctable/user_db.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.hpp"

namespace procsentry::proctable {
namespace {

const char* kPasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "# a comment\n"
    "\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
    "broken-no-fields\n"
    ":x:1001:1001::/:/bin/sh\n"
    "neg:x:-5:1::/:/bin/sh\n"
    "big:x:99999999999:1::/:/bin/sh\n"
    "hex:x:0x10:1::/:/bin/sh\n"
    "short:x:1002\n"
    "+nisuser::::::\n"
    "toor:x:0:0:second root:/root:/bin/sh\n"
    "1234:x:2000:2000::/:/bin/sh\n"
    "nonl:x:3000:3000::/:/bin/sh";

const char* kGroup =
    "root:x:0:\n"
    "adm:x:4:syslog,alice\n"
    "bad:x:notanumber:\n"
    "users:x:100:\n";

class UserDbTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir.write("passwd", kPasswd);
        dir.write("group", kGroup);
    }
    test::TempDir dir;
};

TEST_F(UserDbTest, NamesFromFiles)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"));
    EXPECT_EQ(db.user_name(0), "root");  // first line for an id wins
    EXPECT_EQ(db.user_name(1000), "alice");
    EXPECT_EQ(db.user_name(3000), "nonl");  // no final newline
    EXPECT_EQ(db.user_name(4242), "");
    EXPECT_EQ(db.group_name(4), "adm");
    EXPECT_EQ(db.group_name(100), "users");
    EXPECT_EQ(db.group_name(5), "");
    EXPECT_EQ(db.last_error(), "");
}

TEST_F(UserDbTest, MalformedLinesAreSkippedAndCounted)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"));
    EXPECT_EQ(db.user_name(1001), "");  // empty name
    EXPECT_EQ(db.user_name(1002), "");  // too few fields
    EXPECT_EQ(db.user_name(16), "");    // hex is not an id
    EXPECT_FALSE(db.uid_of("neg").has_value());
    EXPECT_FALSE(db.uid_of("big").has_value());
    EXPECT_FALSE(db.uid_of("+nisuser").has_value());
    // passwd: broken, empty name, neg, big, hex, short, +nis; group: bad.
    EXPECT_EQ(db.malformed_lines(), 8u);
}

TEST_F(UserDbTest, UidOfNameOrNumber)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"));
    EXPECT_EQ(db.uid_of("alice"), 1000u);
    EXPECT_EQ(db.uid_of("toor"), 0u);
    EXPECT_EQ(db.uid_of("1234"), 2000u);  // a name wins over the number
    EXPECT_EQ(db.uid_of("4242"), 4242u);
    EXPECT_FALSE(db.uid_of("nobody-here").has_value());
    EXPECT_FALSE(db.uid_of("").has_value());
    EXPECT_FALSE(db.uid_of("12x").has_value());
    EXPECT_FALSE(db.uid_of("4294967296").has_value());
}

TEST_F(UserDbTest, ReloadsWhenTheFileChanges)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"), 0);
    EXPECT_EQ(db.user_name(1000), "alice");
    EXPECT_EQ(db.loads(), 2u);
    dir.write("passwd", "bob:x:1000:1000::/home/bob:/bin/sh\n");
    EXPECT_EQ(db.user_name(1000), "bob");
    EXPECT_EQ(db.user_name(0), "");
    EXPECT_EQ(db.loads(), 3u);
    // Unchanged files are not read again.
    EXPECT_EQ(db.user_name(1000), "bob");
    EXPECT_EQ(db.loads(), 3u);
}

TEST_F(UserDbTest, ChecksAtMostOncePerInterval)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"), 3600'000'000'000ull);
    EXPECT_EQ(db.user_name(1000), "alice");
    dir.write("passwd", "bob:x:1000:1000::/home/bob:/bin/sh\n");
    EXPECT_EQ(db.user_name(1000), "alice");
    EXPECT_EQ(db.loads(), 2u);
}

TEST_F(UserDbTest, MissingFileKeepsLastNamesAndSaysWhy)
{
    UserDb db(dir.sub("passwd"), dir.sub("group"), 0);
    EXPECT_EQ(db.user_name(1000), "alice");
    std::remove(dir.sub("passwd").c_str());
    EXPECT_EQ(db.user_name(1000), "alice");
    EXPECT_NE(db.last_error().find(dir.sub("passwd")), std::string::npos);
    EXPECT_NE(db.last_error().find("No such file"), std::string::npos);
    dir.write("passwd", "carol:x:1000:1000::/:/bin/sh\n");
    EXPECT_EQ(db.user_name(1000), "carol");
    EXPECT_EQ(db.last_error(), "");
}

TEST(UserDb, NoFilesAtAll)
{
    UserDb db("/nonexistent/passwd", "/nonexistent/group", 0);
    EXPECT_EQ(db.user_name(0), "");
    EXPECT_EQ(db.group_name(0), "");
    EXPECT_EQ(db.uid_of("7"), 7u);
    EXPECT_FALSE(db.last_error().empty());
}

}  // namespace
}  // namespace procsentry::proctable
