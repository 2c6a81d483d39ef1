// SPDX-License-Identifier: GPL-2.0
#include "source/replay_follow_source.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "source/source_error.hpp"
#include "support/temp_dir.hpp"

namespace procsentry::source {
namespace {

using namespace std::chrono_literals;

std::string frame(uint32_t cpu, const std::string& payload)
{
    std::string f;
    for (uint32_t v : {cpu, static_cast<uint32_t>(payload.size())})
        for (int i = 0; i < 4; i++)
            f += static_cast<char>((v >> (8 * i)) & 0xff);
    return f + payload;
}

void append(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

TEST(ReplayFollow, WaitsForTheFileThenReadsFramesAsTheyAreAppended)
{
    test::TempDir dir;
    const std::string path = dir.file("rec.bin");
    ReplayFollowSource src(path);
    Message m;
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
    EXPECT_FALSE(src.opened());

    append(path, frame(2, "abc"));
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(m.cpu, 2u);
    EXPECT_EQ(std::string(m.records.begin(), m.records.end()), "abc");
    // The end of the file is not the end of the replay.
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);

    append(path, frame(5, "defg") + frame(0, ""));
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(m.cpu, 5u);
    EXPECT_EQ(std::string(m.records.begin(), m.records.end()), "defg");
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(m.cpu, 0u);
    EXPECT_TRUE(m.records.empty());
    EXPECT_EQ(src.counters().messages, 3u);
    EXPECT_EQ(src.offset(), 8u + 3 + 8 + 4 + 8);
}

// Like tail -f: a file truncated under the reader (a test starting a new
// recording in place) is read again from its start, not waited on forever
// past its end.
TEST(ReplayFollow, TruncatedFileIsReadAgainFromItsStart)
{
    test::TempDir dir;
    const std::string path = dir.file("rec.bin");
    append(path, frame(2, "abc"));
    ReplayFollowSource src(path);
    Message m;
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);

    std::ofstream(path, std::ios::binary | std::ios::trunc) << frame(1, "xy");
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(m.cpu, 1u);
    EXPECT_EQ(std::string(m.records.begin(), m.records.end()), "xy");
    EXPECT_EQ(src.offset(), 8u + 2);
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
}

TEST(ReplayFollow, PartialFrameWaitsForTheRest)
{
    test::TempDir dir;
    const std::string path = dir.file("rec.bin");
    const std::string f = frame(1, "payload");
    Message m;
    ReplayFollowSource src(path);
    // Cut inside the header, then inside the payload.
    append(path, f.substr(0, 5));
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
    append(path, f.substr(5, 6));
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
    append(path, f.substr(11));
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(std::string(m.records.begin(), m.records.end()), "payload");
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
}

TEST(ReplayFollow, FrameLargerThanAnyReadIsAssembled)
{
    test::TempDir dir;
    const std::string path = dir.file("rec.bin");
    const std::string big(3u << 20, 'x');
    append(path, frame(0, big));
    ReplayFollowSource src(path);
    Message m;
    ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
    EXPECT_EQ(m.records.size(), big.size());
}

TEST(ReplayFollow, OversizedFrameIsAnError)
{
    test::TempDir dir;
    const std::string path = dir.file("rec.bin");
    append(path, std::string("\x00\x00\x00\x00\xff\xff\xff\x7f", 8));
    ReplayFollowSource src(path);
    Message m;
    EXPECT_THROW(src.read(m, 0ms), SourceError);
}

TEST(ReplayFollow, UnreadablePathIsAnError)
{
    test::TempDir dir;
    ReplayFollowSource src(dir.file("missing-dir/x/rec.bin"));
    Message m;
    // A missing parent directory is still "not there yet" (ENOENT)...
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::timeout);
    // ...but a path through a regular file can never appear.
    append(dir.file("file"), "x");
    ReplayFollowSource bad(dir.file("file/rec.bin"));
    EXPECT_THROW(bad.read(m, 0ms), SourceError);
}

}  // namespace
}  // namespace procsentry::source
