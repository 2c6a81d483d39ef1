// SPDX-License-Identifier: GPL-2.0
#include "app/bootstrap.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api/json_text.hpp"
#include "app/admin_commands.hpp"
#include "auth/password_hasher.hpp"
#include "auth/tokens.hpp"

namespace procsentry::console::app {
namespace {

namespace fs = std::filesystem;

class BootstrapTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path() / ("psc-boot-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        store::StoreSpec spec;
        spec.path = (dir_ / "console.db").string();
        store_ = store::open_store(spec);
        store_->migrate();
    }
    void TearDown() override
    {
        store_.reset();
        fs::remove_all(dir_);
    }
    fs::path dir_;
    std::unique_ptr<store::Store> store_;
};

TEST_F(BootstrapTest, DefaultPolicyOnceFromTheDaemonDefaults)
{
    auto v = Bootstrap::ensure_default_policy(*store_);
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 1);
    EXPECT_EQ(store_->default_policy(), 1);
    auto p = store_->get_policy(1);
    ASSERT_TRUE(p);
    auto doc = api::JsonText::parse(p->policy_json);
    ASSERT_TRUE(doc);
    EXPECT_TRUE((*doc)["rules"].isArray());
    EXPECT_GT((*doc)["rules"].size(), 3u);
    EXPECT_TRUE((*doc)["skip"].isObject());
    EXPECT_FALSE(doc->isMember("sinks"));
    EXPECT_FALSE(Bootstrap::ensure_default_policy(*store_));
}

TEST_F(BootstrapTest, FirstAdminPasswordFileIs0600AndWorks)
{
    auto path = Bootstrap::ensure_admin(*store_, dir_.string(), 10);
    ASSERT_TRUE(path);
    struct stat st {};
    ASSERT_EQ(::stat(path->c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::string pw;
    std::getline(std::ifstream(*path), pw);
    EXPECT_GE(pw.size(), 20u);
    auto admin = store_->find_user("admin");
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->role, store::Role::admin);
    EXPECT_TRUE(auth::PasswordHasher::verify(pw, admin->password_hash));
    EXPECT_FALSE(Bootstrap::ensure_admin(*store_, dir_.string(), 10));  // users exist now
}

TEST_F(BootstrapTest, UnwritableStateDirFailsBeforeCreatingTheUser)
{
    EXPECT_THROW(Bootstrap::ensure_admin(*store_, (dir_ / "missing").string(), 10), std::runtime_error);
    EXPECT_EQ(store_->count_users(), 0);
}

TEST_F(BootstrapTest, CliUserAddAndEnrollmentToken)
{
    CliOptions o;
    o.name = "alice";
    o.role = "operator";
    std::istringstream in("a long enough password\n");
    std::ostringstream out, err;
    EXPECT_EQ(AdminCommands::user_add(*store_, o, in, out, err, 10), 0) << err.str();
    auto u = store_->find_user("alice");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->role, store::Role::operator_);
    EXPECT_TRUE(auth::PasswordHasher::verify("a long enough password", u->password_hash));
    std::istringstream again("a long enough password\n");
    EXPECT_EQ(AdminCommands::user_add(*store_, o, again, out, err, 10), 1);  // exists
    o.name = "bob";
    std::istringstream short_pw("short\n");
    EXPECT_EQ(AdminCommands::user_add(*store_, o, short_pw, out, err, 10), 2);
    o.generate_password = true;
    std::ostringstream gen;
    std::istringstream none;
    EXPECT_EQ(AdminCommands::user_add(*store_, o, none, gen, err, 10), 0);
    EXPECT_NE(gen.str().find("password: "), std::string::npos);

    CliOptions t;
    t.name = "fleet";
    t.max_uses = 3;
    t.expires_days = 2;
    std::ostringstream tok;
    EXPECT_EQ(AdminCommands::enrollment_token_create(*store_, t, tok, err), 0);
    std::string secret = tok.str();
    secret.pop_back();
    EXPECT_EQ(secret.rfind("pse_", 0), 0u);
    auto row = store_->find_token(store::TokenKind::enrollment, auth::Tokens::sha256_hex(secret));
    ASSERT_TRUE(row);
    EXPECT_EQ(row->max_uses, 3);
    EXPECT_GT(row->expires, row->created);
    EXPECT_EQ(store_->list_audit(std::nullopt, 1)[0].actor, "cli");
}

}  // namespace
}  // namespace procsentry::console::app
