// SPDX-License-Identifier: GPL-2.0
#include "rules/path_match.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace std::string_literals;
using procsentry::rules::glob_match;
using procsentry::rules::is_normalized_path;
using procsentry::rules::normalize_path;
using procsentry::rules::path_basename;
using procsentry::rules::path_under;

TEST(NormalizePath, CollapsesDotsAndSlashes)
{
    EXPECT_EQ(normalize_path("/usr/bin/../../tmp/x"), "/tmp/x");
    EXPECT_EQ(normalize_path("/usr/bin/./x"), "/usr/bin/x");
    EXPECT_EQ(normalize_path("//usr//bin/x"), "/usr/bin/x");
    EXPECT_EQ(normalize_path("/usr/bin/"), "/usr/bin");
    EXPECT_EQ(normalize_path("/usr/bin///"), "/usr/bin");
    EXPECT_EQ(normalize_path("/a/b/c/../../d/./e/.."), "/a/d");
}

TEST(NormalizePath, NeverClimbsAboveRoot)
{
    EXPECT_EQ(normalize_path("/.."), "/");
    EXPECT_EQ(normalize_path("/../../.."), "/");
    EXPECT_EQ(normalize_path("/../etc/passwd"), "/etc/passwd");
    EXPECT_EQ(normalize_path("/"), "/");
    EXPECT_EQ(normalize_path("///"), "/");
    EXPECT_EQ(normalize_path("/."), "/");
}

TEST(NormalizePath, RelativeStaysRelative)
{
    EXPECT_EQ(normalize_path(""), "");
    EXPECT_EQ(normalize_path("."), ".");
    EXPECT_EQ(normalize_path("./"), ".");
    EXPECT_EQ(normalize_path("a/./b//c/"), "a/b/c");
    EXPECT_EQ(normalize_path("a/.."), ".");
    EXPECT_EQ(normalize_path("../x"), "../x");
    EXPECT_EQ(normalize_path("a/../../x"), "../x");
    EXPECT_EQ(normalize_path("../../x/.."), "../..");
}

TEST(NormalizePath, KeepsEmbeddedNulAndLongPaths)
{
    EXPECT_EQ(normalize_path("/usr/bin/\0x"s), "/usr/bin/\0x"s);
    std::string longp;
    for (int i = 0; i < 5000; i++)
        longp += "/a/./b/..";
    EXPECT_EQ(normalize_path(longp), "/" + [] {
        std::string s;
        for (int i = 0; i < 5000; i++)
            s += (i ? "/a" : "a");
        return s;
    }());
    EXPECT_EQ(normalize_path(std::string(100000, '/')), "/");
}

TEST(IsNormalizedPath, AgreesWithNormalize)
{
    for (const char* p : {"", "/", ".", "/a", "/a/b", "a", "a/b", "..", "../a", "../../a",
                          "//", "/a/", "/./a", "/a/.", "/a/..", "/..", "a/..", "a//b", "./a", "a/../b", "../a/.."}) {
        EXPECT_EQ(is_normalized_path(p), normalize_path(p) == p) << p;
    }
}

TEST(PathUnder, ComponentBoundaries)
{
    EXPECT_TRUE(path_under("/usr/bin", "/usr/bin"));
    EXPECT_TRUE(path_under("/usr/bin/x", "/usr/bin"));
    EXPECT_TRUE(path_under("/usr/bin/x/y", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/binx", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bi", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr", "/usr/bin"));
    EXPECT_TRUE(path_under("/anything/at/all", "/"));
    EXPECT_TRUE(path_under("/", "/"));
}

TEST(PathUnder, HostilePathsNeverMatch)
{
    // Not normalised: a caller forgot normalize_path; fail closed.
    EXPECT_FALSE(path_under("/usr/bin/../../tmp/x", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bin/./x", "/usr/bin"));
    EXPECT_FALSE(path_under("//usr//bin/x", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bin/x/", "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bin/..", "/usr/bin"));
    // Once normalised, they are judged by what they name.
    EXPECT_FALSE(path_under(normalize_path("/usr/bin/../../tmp/x"), "/usr/bin"));
    EXPECT_TRUE(path_under(normalize_path("//usr//bin/./x"), "/usr/bin"));
    // Relative and empty paths are never under an absolute directory.
    EXPECT_FALSE(path_under("usr/bin/x", "/usr/bin"));
    EXPECT_FALSE(path_under("", "/"));
    EXPECT_FALSE(path_under("x", "/"));
    EXPECT_FALSE(path_under("/usr/bin/x", ""));
    EXPECT_FALSE(path_under("/usr/bin/x", "usr/bin"));
    // Embedded NUL: "/usr/bin/x\0" is not "/usr/bin/x", whatever C code would see.
    EXPECT_FALSE(path_under("/usr/bin\0/../../tmp/evil"s, "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bin/x\0"s, "/usr/bin"));
    EXPECT_FALSE(path_under("/usr/bin/x\0"s, "/"));
    EXPECT_FALSE(path_under("/usr/bin/x", "/usr/bin\0"s));
    // Very long paths behave like short ones.
    const std::string deep = "/usr/bin" + std::string(60000, 'a');
    EXPECT_FALSE(path_under(deep, "/usr/bin"));
    EXPECT_TRUE(path_under("/usr/bin/" + std::string(60000, 'a'), "/usr/bin"));
}

TEST(PathBasename, LastComponent)
{
    EXPECT_EQ(path_basename("/usr/bin/nice"), "nice");
    EXPECT_EQ(path_basename("nice"), "nice");
    EXPECT_EQ(path_basename("/"), "");
    EXPECT_EQ(path_basename(""), "");
    EXPECT_EQ(path_basename("/usr/bin/"), "");
    EXPECT_EQ(path_basename("/tmp/nice\0x"s), "nice\0x"s);
    EXPECT_NE(path_basename("/tmp/nice\0x"s), "nice");
}

TEST(GlobMatch, PathnameSemantics)
{
    EXPECT_TRUE(glob_match("/tmp/*", "/tmp/x"));
    EXPECT_FALSE(glob_match("/tmp/*", "/tmp/a/x"));  // '*' stops at '/'
    EXPECT_FALSE(glob_match("/tmp/*", "/tmpx"));
    EXPECT_TRUE(glob_match("/usr/sbin/php-fpm*", "/usr/sbin/php-fpm8.2"));
    EXPECT_TRUE(glob_match("/usr/lib/postgresql/*/bin/postgres", "/usr/lib/postgresql/15/bin/postgres"));
    EXPECT_TRUE(glob_match("/usr/bin/nc.*", "/usr/bin/nc.openbsd"));
    EXPECT_FALSE(glob_match("/usr/bin/nc.*", "/usr/bin/nc"));
    EXPECT_TRUE(glob_match("/usr/bin/[bd]ash", "/usr/bin/dash"));
}

TEST(GlobMatch, DoubleStarMeansAnyDepthBelow)
{
    EXPECT_TRUE(glob_match("/tmp/**", "/tmp/x"));
    EXPECT_TRUE(glob_match("/tmp/**", "/tmp/a/b/c/d/e/f/x"));
    EXPECT_FALSE(glob_match("/tmp/**", "/tmp"));
    EXPECT_FALSE(glob_match("/tmp/**", "/tmpx/y"));
    EXPECT_FALSE(glob_match("/tmp/**", "/var/tmp/x"));
    EXPECT_TRUE(glob_match("/run/user/*/**", "/run/user/1000/x/y"));
    EXPECT_FALSE(glob_match("/run/user/*/**", "/run/user/1000"));
    EXPECT_TRUE(glob_match("/**", "/x"));
    EXPECT_FALSE(glob_match("/**", "/"));
    EXPECT_FALSE(glob_match("/**", "x/y"));
    // Longer than the stack buffers: same answers.
    const std::string deep = "/tmp/" + std::string(1000, 'a') + "/b/" + std::string(1000, 'c');
    EXPECT_TRUE(glob_match("/tmp/**", deep));
    EXPECT_TRUE(glob_match("/tmp/*/b/**", deep));
    EXPECT_FALSE(glob_match("/var/**", deep));
    EXPECT_TRUE(glob_match("/tmp/" + std::string(1000, '?') + "/b/*", deep));
}

TEST(GlobMatch, NormalisesThePathAndRefusesNul)
{
    EXPECT_TRUE(glob_match("/tmp/*", "/usr/bin/../../tmp/x"));
    EXPECT_TRUE(glob_match("/tmp/**", "//tmp//a/./b"));
    EXPECT_FALSE(glob_match("/usr/bin/*", "/usr/bin/../../tmp/x"));
    EXPECT_FALSE(glob_match("/tmp/*", "/tmp/x\0/../../etc/passwd"s));
    EXPECT_FALSE(glob_match("/tmp/x\0*"s, "/tmp/x"));
    EXPECT_FALSE(glob_match("", "/tmp/x"));
    EXPECT_FALSE(glob_match("/tmp/*", ""));
}

// Attack: memfd names may hold '/' and "..": the kernel reports
// "/memfd:/../../usr/bin/ls (deleted)", which normalised alone reads
// "/usr/bin/ls (deleted)" and escaped exec-from-memory's "/memfd:*/**".
TEST(GlobMatch, ProcessChosenDotDotDoesNotEscapeAMatch)
{
    EXPECT_TRUE(glob_match("/memfd:*/**", "/memfd:/../../usr/bin/ls (deleted)"));
    EXPECT_TRUE(glob_match("/memfd:*/**", "/memfd:x/../../../usr/bin/ls (deleted)"));
    EXPECT_TRUE(glob_match("/memfd:*", "/memfd:.. (deleted)"));
    EXPECT_TRUE(glob_match("/usr/bin/*", "/memfd:/../../usr/bin/ls"));  // normalised form still matches
}
