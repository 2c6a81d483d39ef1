// SPDX-License-Identifier: GPL-2.0
#include "app/bootstrap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "api/policy.hpp"
#include "api/time_text.hpp"
#include "auth/password_hasher.hpp"
#include "auth/tokens.hpp"

namespace procsentry::console::app {

std::optional<int64_t> Bootstrap::ensure_default_policy(store::Store& store)
{
    if (store.latest_policy())
        return std::nullopt;
    store::PolicyVersion p;
    p.policy_json = api::Policy::default_policy_text();
    p.comment = "procsentryd default rules";
    p.created_by = "system";
    p.created = api::TimeText::now_ns();
    int64_t v = store.add_policy(p);
    store.set_default_policy(v);
    return v;
}

void Bootstrap::write_secret_file(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error(tmp + ": cannot create: " + std::strerror(errno));
    bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
              ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        if (ok)
            err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error(path + ": cannot write: " + std::strerror(err));
    }
}

std::optional<std::string> Bootstrap::ensure_admin(store::Store& store, const std::string& state_dir, int scrypt_log_n)
{
    if (store.count_users() > 0)
        return std::nullopt;
    const std::string password = auth::Tokens::random_base64url(18);
    const std::string path = state_dir + "/initial-admin-password";
    // The file first: an admin whose password nobody knows would lock everyone out.
    write_secret_file(path, password + "\n");
    store::UserRow u;
    u.name = "admin";
    u.role = store::Role::admin;
    u.password_hash = auth::PasswordHasher(scrypt_log_n).hash(password);
    u.created = api::TimeText::now_ns();
    store.create_user(u);
    return path;
}

}  // namespace procsentry::console::app
