// SPDX-License-Identifier: GPL-2.0
#include "sinks/file_sink.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sink_test_util.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::make_alert;
using test::read_file;
using test::TempDir;

bool exists(const std::string& p)
{
    struct stat st {};
    return stat(p.c_str(), &st) == 0;
}

mode_t mode_of(const std::string& p)
{
    struct stat st {};
    EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

// 10-byte JSON payloads: {"id":"N"} plus padding to a fixed line size.
std::string line(int i)
{
    std::string id = std::to_string(i);
    return "{\"id\":\"" + std::string(3 - id.size(), '0') + id + "\"}";  // 12 bytes, 13 with '\n'
}

rules::FileSinkSpec spec(const std::string& path, uint64_t max_bytes, uint32_t keep)
{
    rules::FileSinkSpec s;
    s.path = path;
    s.max_bytes = max_bytes;
    s.keep = keep;
    return s;
}

void submit_lines(FileSink& s, int from, int to)
{
    for (int i = from; i < to; ++i)
        s.submit(make_alert(std::to_string(i), rules::Severity::high, line(i)));
}

std::string lines(int from, int to)
{
    std::string out;
    for (int i = from; i < to; ++i)
        out += line(i) + "\n";
    return out;
}

TEST(FileSink, CreatesDirectoriesAndAppendsJsonLines)
{
    TempDir d;
    const std::string path = d.path() + "/a/b/alerts.json";
    {
        FileSink s("f", {}, spec(path, 1 << 20, 3));
        EXPECT_EQ(mode_of(d.path() + "/a"), 0750u);
        EXPECT_EQ(mode_of(d.path() + "/a/b"), 0750u);
        EXPECT_EQ(mode_of(path) & 0777, 0640u & ~0022u);
        EXPECT_EQ(mode_of(path) & 0007, 0u);
        s.start();
        submit_lines(s, 0, 3);
        s.stop(5s);
        EXPECT_EQ(s.health().delivered, 3u);
        EXPECT_EQ(s.health().type, "file");
    }
    {
        FileSink s("f", {}, spec(path, 1 << 20, 3));  // appends, does not truncate
        s.start();
        submit_lines(s, 3, 5);
        s.stop(5s);
    }
    EXPECT_EQ(read_file(path), lines(0, 5));
}

TEST(FileSink, RotatesBeforeAWriteWouldPassMaxBytesAndKeepsKeepFiles)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    // 3 lines of 13 bytes fit in 40; the 4th would pass it.
    FileSink s("f", {}, spec(path, 40, 2));
    s.start();
    submit_lines(s, 0, 10);
    s.stop(5s);
    EXPECT_EQ(s.health().delivered, 10u);
    EXPECT_EQ(read_file(path), lines(9, 10));
    EXPECT_EQ(read_file(path + ".1"), lines(6, 9));
    EXPECT_EQ(read_file(path + ".2"), lines(3, 6));
    EXPECT_FALSE(exists(path + ".3"));  // lines 0-2: the oldest, deleted
    EXPECT_EQ(mode_of(path + ".1") & 0007, 0u);
}

TEST(FileSink, RotationAlsoAppliesAcrossBatchesAndRestarts)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    for (int round = 0; round < 4; ++round) {
        FileSink s("f", {}, spec(path, 26, 5));  // two lines per file
        s.start();
        submit_lines(s, round, round + 1);
        s.stop(5s);
    }
    EXPECT_EQ(read_file(path), lines(2, 4));
    EXPECT_EQ(read_file(path + ".1"), lines(0, 2));
    EXPECT_FALSE(exists(path + ".2"));
}

TEST(FileSink, ALineLargerThanMaxBytesGetsAFileOfItsOwn)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    FileSink s("f", {}, spec(path, 20, 3));
    const std::string big = "{\"id\":\"big\",\"pad\":\"" + std::string(50, 'x') + "\"}";
    s.start();
    s.submit(make_alert("0", rules::Severity::high, line(0)));
    s.submit(make_alert("big", rules::Severity::high, big));
    s.submit(make_alert("1", rules::Severity::high, line(1)));
    s.stop(5s);
    EXPECT_EQ(read_file(path + ".2"), lines(0, 1));
    EXPECT_EQ(read_file(path + ".1"), big + "\n");
    EXPECT_EQ(read_file(path), lines(1, 2));
}

TEST(FileSink, KeepZeroRotatesByDeleting)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    FileSink s("f", {}, spec(path, 26, 0));
    s.start();
    submit_lines(s, 0, 5);
    s.stop(5s);
    EXPECT_EQ(read_file(path), lines(4, 5));
    EXPECT_FALSE(exists(path + ".1"));
}

TEST(FileSink, ReopensAfterAnExternalRename)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    FileSink s("f", {}, spec(path, 1 << 20, 3));
    s.start();
    submit_lines(s, 0, 2);
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 2; }));
    ASSERT_EQ(std::rename(path.c_str(), (path + ".logrotated").c_str()), 0);  // as logrotate does
    submit_lines(s, 2, 4);
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 4; }));
    s.stop(5s);
    EXPECT_EQ(read_file(path + ".logrotated"), lines(0, 2));
    EXPECT_EQ(read_file(path), lines(2, 4));
}

TEST(FileSink, ReopensAfterAnExternalUnlinkAndSeesTruncation)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    FileSink s("f", {}, spec(path, 40, 3));
    s.start();
    submit_lines(s, 0, 2);
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 2; }));
    ASSERT_EQ(unlink(path.c_str()), 0);
    submit_lines(s, 2, 3);
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 3; }));
    EXPECT_EQ(read_file(path), lines(2, 3));
    // copytruncate: same file, emptied; the size the sink believes must follow.
    ASSERT_EQ(truncate(path.c_str(), 0), 0);
    submit_lines(s, 3, 6);
    s.stop(5s);
    EXPECT_EQ(read_file(path), lines(3, 6));  // 39 bytes: no rotation needed
    EXPECT_FALSE(exists(path + ".1"));
}

TEST(FileSink, UnopenablePathIsAnErrorNamingIt)
{
    TempDir d;
    const std::string blocker = d.path() + "/file";
    { FILE* f = std::fopen(blocker.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
    try {
        FileSink s("audit", {}, spec(blocker + "/sub/alerts.json", 100, 1));
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("audit"), std::string::npos) << what;
        EXPECT_NE(what.find(blocker + "/sub"), std::string::npos) << what;
        EXPECT_NE(what.find("Not a directory"), std::string::npos) << what;
    }
    EXPECT_THROW(FileSink("x", {}, spec("", 100, 1)), std::runtime_error);
}

// Attack: alerts name users, commands and arguments.  A file left 0644 by
// an older setup, or a symlink planted at the path, must not expose them or
// redirect root's writes.
TEST(FileSink, ExistingFileIsNarrowedTo0640AndSymlinksAreRefused)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    { FILE* f = std::fopen(path.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
    ASSERT_EQ(chmod(path.c_str(), 0666), 0);
    {
        FileSink s("f", {}, spec(path, 1 << 20, 3));
        EXPECT_EQ(mode_of(path), 0640u);
    }
    const std::string victim = d.path() + "/victim";
    { FILE* f = std::fopen(victim.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
    const std::string link = d.path() + "/link.json";
    ASSERT_EQ(symlink(victim.c_str(), link.c_str()), 0);
    try {
        FileSink s("f", {}, spec(link, 1 << 20, 3));
        FAIL() << "a symlink was followed";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(link), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(victim), "");
    if (::geteuid() == 0) {
        const std::string theirs = d.path() + "/theirs.json";
        { FILE* f = std::fopen(theirs.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
        ASSERT_EQ(chown(theirs.c_str(), 1000, 1000), 0);
        try {
            FileSink s("f", {}, spec(theirs, 1 << 20, 3));
            FAIL() << "wrote alerts into a file uid 1000 owns";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("owned by uid 1000"), std::string::npos) << e.what();
        }
    }
}

TEST(FileSink, FailedRotationIsReportedAndRetried)
{
    TempDir d;
    const std::string path = d.path() + "/alerts.json";
    QueuedSink::Options o;
    o.retry_initial = 10ms;
    o.retry_max = 20ms;
    FileSink s("f", o, spec(path, 26, 1));
    // path.1 is a non-empty directory: rename(path, path.1) fails.
    ASSERT_EQ(mkdir((path + ".1").c_str(), 0700), 0);
    ASSERT_EQ(mkdir((path + ".1/x").c_str(), 0700), 0);
    s.start();
    submit_lines(s, 0, 3);
    ASSERT_TRUE(eventually([&] { return !s.health().healthy; }));
    EXPECT_NE(s.health().last_error.find("rename"), std::string::npos) << s.health().last_error;
    EXPECT_EQ(s.health().delivered, 2u);
    ASSERT_EQ(rmdir((path + ".1/x").c_str()), 0);
    ASSERT_EQ(rmdir((path + ".1").c_str()), 0);
    ASSERT_TRUE(eventually([&] { return s.health().delivered == 3; }));
    s.stop(5s);
    EXPECT_TRUE(s.health().healthy);
    EXPECT_EQ(read_file(path + ".1"), lines(0, 2));
    EXPECT_EQ(read_file(path), lines(2, 3));
}

}  // namespace
}  // namespace procsentry::sinks
