// SPDX-License-Identifier: GPL-2.0
// The SQLite files hold password and token hashes: only their owner may read them, whatever the
// umask of the process that creates them (an admin subcommand from a shell, a console run by hand).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "store/store.hpp"

namespace procsentry::console::store {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& p)
{
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0)
        return 07777;
    return st.st_mode & 07777;
}

TEST(SqliteFileMode, ANewDatabaseAndItsWalAreOwnerOnlyUnderAPermissiveUmask)
{
    const fs::path dir = fs::temp_directory_path() / ("psc-mode-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const mode_t old = ::umask(022);
    {
        StoreSpec spec;
        spec.type = "sqlite";
        spec.path = (dir / "console.db").string();
        auto s = open_store(spec);
        s->migrate();
        UserRow u;
        u.name = "alice";
        u.password_hash = "$scrypt$x";
        u.created = 1;
        s->create_user(u);
        EXPECT_EQ(mode_of(dir / "console.db"), 0600u);
        ASSERT_TRUE(fs::exists(dir / "console.db-wal"));
        EXPECT_EQ(mode_of(dir / "console.db-wal"), 0600u);
        EXPECT_EQ(mode_of(dir / "console.db-shm"), 0600u);
    }
    ::umask(old);
    fs::remove_all(dir);
}

TEST(SqliteFileMode, AnExistingDatabaseKeepsItsMode)
{
    const fs::path dir = fs::temp_directory_path() / ("psc-mode2-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    StoreSpec spec;
    spec.type = "sqlite";
    spec.path = (dir / "console.db").string();
    open_store(spec)->migrate();
    ASSERT_EQ(::chmod(spec.path.c_str(), 0640), 0);
    open_store(spec)->migrate();
    EXPECT_EQ(mode_of(dir / "console.db"), 0640u);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace procsentry::console::store
