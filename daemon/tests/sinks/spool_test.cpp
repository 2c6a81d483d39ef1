// SPDX-License-Identifier: GPL-2.0
#include "sinks/spool.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sink_test_util.hpp"

namespace procsentry::sinks {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string json_of(int i) { return "{\"id\":\"a-" + std::to_string(i) + "\",\"pad\":\"xxxxxxxxxxxxxxxx\"}"; }

void append_range(Spool& s, int from, int to)
{
    for (int i = from; i < to; i++)
        s.append("a-" + std::to_string(i), json_of(i));
    s.sync();
}

std::vector<std::string> ids(const Spool::Batch& b)
{
    std::vector<std::string> out;
    for (const auto& r : b.records)
        out.push_back(r.id);
    return out;
}

std::vector<std::string> range(int from, int to)
{
    std::vector<std::string> out;
    for (int i = from; i < to; i++)
        out.push_back("a-" + std::to_string(i));
    return out;
}

std::vector<fs::path> segments(const std::string& dir)
{
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".seg")
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Spool, AppendPeekAckInOrderAcrossSegments)
{
    TempDir d;
    Spool s({d.path(), 1 << 20, 256});
    append_range(s, 0, 20);
    EXPECT_EQ(s.pending(), 20u);
    EXPECT_GT(segments(d.path()).size(), 3u);  // ~60-byte records, 256-byte segments

    auto b = s.peek(7);
    EXPECT_EQ(ids(b), range(0, 7));
    EXPECT_EQ(b.records[3].json, json_of(3));
    // Peeking again without ack gives the same records (a retry).
    EXPECT_EQ(ids(s.peek(7)), range(0, 7));
    s.ack(b);
    EXPECT_EQ(s.pending(), 13u);
    EXPECT_EQ(ids(s.peek(100)), range(7, 20));
    s.ack(s.peek(100));
    EXPECT_EQ(s.pending(), 0u);
    EXPECT_TRUE(segments(d.path()).empty());  // everything delivered: nothing left on disk
    EXPECT_TRUE(s.peek(10).records.empty());

    append_range(s, 20, 22);
    EXPECT_EQ(ids(s.peek(10)), range(20, 22));
}

TEST(Spool, PeekStopsAtByteLimitButTakesOneRecord)
{
    TempDir d;
    Spool s({d.path(), 1 << 20, 0});
    append_range(s, 0, 5);
    EXPECT_EQ(s.peek(10, 100).records.size(), 2u);
    EXPECT_EQ(s.peek(10, 1).records.size(), 1u);
}

TEST(Spool, ReopenResumesAtTheCursor)
{
    TempDir d;
    {
        Spool s({d.path(), 1 << 20, 200});
        append_range(s, 0, 10);
        s.ack(s.peek(4));
    }
    Spool s({d.path(), 1 << 20, 200});
    EXPECT_EQ(s.pending(), 6u);
    EXPECT_EQ(s.corrupt(), 0u);
    EXPECT_EQ(ids(s.peek(100)), range(4, 10));
    append_range(s, 10, 12);  // a new run appends after the old records
    EXPECT_EQ(ids(s.peek(100)), range(4, 12));
}

TEST(Spool, SecondOwnerOfTheDirectoryIsRefused)
{
    TempDir d;
    Spool s({d.path(), 1 << 20, 0});
    try {
        Spool other({d.path(), 1 << 20, 0});
        FAIL() << "two spools on one directory";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
}

TEST(Spool, DirectoryErrorsNameThePath)
{
    TempDir d;
    std::ofstream(d.path() + "/file") << "x";
    try {
        Spool s({d.path() + "/file/spool", 1 << 20, 0});
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(d.path() + "/file/spool"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("Not a directory"), std::string::npos) << e.what();
    }
}

// Attack: a spool directory another user owns or can write (a spool_dir
// pre-created under /tmp, or left 0777) lets them delete undelivered alerts
// or add forged ones; a readable one shows them every alert.
TEST(Spool, DirectoryIsTheDaemonsOwnAndPrivate)
{
    TempDir d;
    const std::string wide = d.path() + "/wide";
    ASSERT_EQ(::mkdir(wide.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(wide.c_str(), 0777), 0);
    { Spool s({wide, 1 << 20, 0}); }
    EXPECT_EQ(fs::status(wide).permissions(), fs::perms::owner_all);

    const std::string link = d.path() + "/link";
    ASSERT_EQ(::symlink(wide.c_str(), link.c_str()), 0);
    EXPECT_THROW(Spool({link, 1 << 20, 0}), std::runtime_error);

    if (::geteuid() == 0) {
        const std::string theirs = d.path() + "/theirs";
        ASSERT_EQ(::mkdir(theirs.c_str(), 0700), 0);
        ASSERT_EQ(::chown(theirs.c_str(), 1000, 1000), 0);
        try {
            Spool s({theirs, 1 << 20, 0});
            FAIL() << "spool in a directory of uid 1000";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find("owned by uid 1000"), std::string::npos) << e.what();
        }
    }
}

TEST(Spool, OverflowDropsOldestSegmentsAndCountsThem)
{
    TempDir d;
    Spool s({d.path(), 2048, 256});
    append_range(s, 0, 100);  // ~6 KiB into 2 KiB
    EXPECT_LE(s.bytes(), 2048u);
    EXPECT_GT(s.dropped(), 0u);
    EXPECT_EQ(s.dropped() + s.pending(), 100u);
    // What is kept is the newest alerts, contiguous, ending with the last.
    const auto b = s.peek(1000);
    const int first = 100 - static_cast<int>(b.records.size());
    EXPECT_EQ(ids(b), range(first, 100));
    EXPECT_EQ(static_cast<uint64_t>(first), s.dropped());
}

TEST(Spool, OverflowCountsOnlyUndeliveredRecords)
{
    TempDir d;
    Spool s({d.path(), 2048, 256});
    append_range(s, 0, 4);
    s.ack(s.peek(2));  // half the head segment delivered
    append_range(s, 4, 100);
    EXPECT_EQ(s.dropped() + s.pending(), 98u);
}

TEST(Spool, RecordLargerThanTheSpoolIsDropped)
{
    TempDir d;
    Spool s({d.path(), 1024, 0});
    s.append("big", std::string(2000, 'x'));
    EXPECT_EQ(s.dropped(), 1u);
    EXPECT_EQ(s.pending(), 0u);
    append_range(s, 0, 1);
    EXPECT_EQ(s.pending(), 1u);
}

TEST(Spool, TruncatedTailIsCutAndCounted)
{
    TempDir d;
    {
        Spool s({d.path(), 1 << 20, 0});
        append_range(s, 0, 5);
    }
    const auto seg = segments(d.path()).at(0);
    fs::resize_file(seg, fs::file_size(seg) - 7);  // a crash in the middle of the last write
    {
        Spool s({d.path(), 1 << 20, 0});
        EXPECT_EQ(s.corrupt(), 1u);
        EXPECT_EQ(s.pending(), 4u);
        append_range(s, 5, 6);
        EXPECT_EQ(ids(s.peek(100)), (std::vector<std::string>{"a-0", "a-1", "a-2", "a-3", "a-5"}));
    }
    // The cut is permanent: opening again finds nothing more to complain about.
    Spool s({d.path(), 1 << 20, 0});
    EXPECT_EQ(s.corrupt(), 0u);
    EXPECT_EQ(s.pending(), 5u);
}

TEST(Spool, GarbageAndFlippedBytesAreCutNotTrusted)
{
    TempDir d;
    {
        Spool s({d.path(), 1 << 20, 0});
        append_range(s, 0, 6);
    }
    const auto seg = segments(d.path()).at(0);
    {
        // Flip a byte inside the 4th record's JSON: its checksum fails.
        std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
        const auto rec = 8 + 2 + 3 + json_of(0).size();
        f.seekp(static_cast<std::streamoff>(8 + 3 * rec + 20));
        f.put('#');
    }
    {
        std::ofstream f(seg, std::ios::app | std::ios::binary);
        f << std::string("\xff\xff\xff\x7f garbage", 12);
    }
    Spool s({d.path(), 1 << 20, 0});
    EXPECT_EQ(s.corrupt(), 1u);
    EXPECT_EQ(ids(s.peek(100)), range(0, 3));
}

TEST(Spool, ForeignAndEmptyFilesDoNotBreakIt)
{
    TempDir d;
    fs::create_directories(d.path());
    std::ofstream(d.path() + "/0000000000000001.seg") << "not a spool segment at all";
    std::ofstream(d.path() + "/0000000000000002.seg") << "PSP";  // crash right after create
    std::ofstream(d.path() + "/cursor") << "garbage here";
    std::ofstream(d.path() + "/README") << "x";
    Spool s({d.path(), 1 << 20, 0});
    EXPECT_EQ(s.corrupt(), 1u);
    EXPECT_EQ(s.pending(), 0u);
    append_range(s, 0, 2);
    EXPECT_EQ(ids(s.peek(10)), range(0, 2));
    EXPECT_TRUE(fs::exists(d.path() + "/README"));
}

TEST(Spool, CursorOffRecordBoundaryRedeliversTheSegment)
{
    TempDir d;
    {
        Spool s({d.path(), 1 << 20, 0});
        append_range(s, 0, 3);
    }
    const auto seg = segments(d.path()).at(0);
    std::ofstream(d.path() + "/cursor") << std::stoull(seg.stem().string()) << " 13\n";
    Spool s({d.path(), 1 << 20, 0});
    EXPECT_EQ(ids(s.peek(10)), range(0, 3));  // duplicates rather than loss
}

}  // namespace
}  // namespace procsentry::sinks
