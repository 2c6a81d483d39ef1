// SPDX-License-Identifier: GPL-2.0
#include "app/admin_commands.hpp"

#include <istream>
#include <ostream>

#include "api/time_text.hpp"
#include "auth/password_hasher.hpp"
#include "auth/roles.hpp"
#include "auth/user_name.hpp"
#include "auth/tokens.hpp"

namespace procsentry::console::app {
namespace {

constexpr int64_t kNsPerDay = 86400LL * 1000000000LL;

void audit(store::Store& store, const std::string& action, const std::string& target)
{
    store::AuditRow a;
    a.time = api::TimeText::now_ns();
    a.actor = "cli";
    a.action = action;
    a.target = target;
    a.details_json = "{}";
    a.remote = "local";
    store.audit(a);
}

}  // namespace

int AdminCommands::user_add(store::Store& store, const CliOptions& o, std::istream& in, std::ostream& out,
                            std::ostream& err, int scrypt_log_n)
{
    if (!auth::UserName::valid(o.name)) {
        err << "user name must be 1 to 64 of a-z 0-9 . _ -\n";
        return 2;
    }
    auto role = auth::Roles::parse(o.role);
    if (!role) {
        err << "--role must be admin, operator or viewer\n";
        return 2;
    }
    if (store.find_user(o.name)) {
        err << "a user named " << o.name << " exists\n";
        return 1;
    }
    std::string password;
    if (o.generate_password) {
        password = auth::Tokens::random_base64url(18);
    } else {
        std::getline(in, password);
        if (!password.empty() && password.back() == '\r')
            password.pop_back();
        if (password.size() < 12 || password.size() > 1024) {
            err << "the password (one line on stdin) must have 12 to 1024 characters\n";
            return 2;
        }
    }
    store::UserRow u;
    u.name = o.name;
    u.role = *role;
    u.password_hash = auth::PasswordHasher(scrypt_log_n).hash(password);
    u.created = api::TimeText::now_ns();
    u.id = store.create_user(u);
    audit(store, "user.create", "user " + u.name);
    out << "created user " << u.name << " (" << o.role << ", id " << u.id << ")\n";
    if (o.generate_password)
        out << "password: " << password << "\n";
    return 0;
}

int AdminCommands::enrollment_token_create(store::Store& store, const CliOptions& o, std::ostream& out,
                                           std::ostream& err)
{
    if (o.name.empty() || o.name.size() > 100) {
        err << "the token name must have 1 to 100 characters\n";
        return 2;
    }
    const std::string secret = auth::Tokens::generate(auth::Tokens::kEnrollment);
    store::TokenRow t;
    t.kind = store::TokenKind::enrollment;
    t.token_hash = auth::Tokens::sha256_hex(secret);
    t.name = o.name;
    t.created = api::TimeText::now_ns();
    t.expires = o.expires_days ? t.created + o.expires_days * kNsPerDay : 0;
    t.max_uses = o.max_uses;
    t.id = store.create_token(t);
    audit(store, "enrollment_token.create", "enrollment token " + std::to_string(t.id));
    out << secret << "\n";
    return 0;
}

}  // namespace procsentry::console::app
