// SPDX-License-Identifier: GPL-2.0
#include "source/replay_source.hpp"

#include <gtest/gtest.h>

#include "source/replay_writer.hpp"
#include "source/source_error.hpp"
#include "support/record_builder.hpp"
#include "support/temp_file.hpp"

namespace procsentry::source {
namespace {

using namespace std::chrono_literals;

TEST(Replay, RoundTripKeepsCpuAndBytes)
{
    test::TempFile f;
    std::vector<Message> in{{0, test::sample_exec(1)}, {3, test::sample_fork(1, 3)}, {1, {}},
                            {7, test::sample_lost(PROCSENTRY_LOST_NOMEM, 4, 7, 7)}};
    {
        ReplayWriter w(f.path());
        for (const auto& m : in)
            w.write(m);
        w.flush();
    }
    auto src = ReplaySource::from_file(f.path());
    Message m;
    for (const auto& expected : in) {
        ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
        EXPECT_EQ(m.cpu, expected.cpu);
        EXPECT_EQ(m.records, expected.records);
    }
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::end);
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::end);
    EXPECT_EQ(src.counters().messages, in.size());
}

TEST(Replay, FramingIsLittleEndianCpuThenLength)
{
    test::TempFile f;
    {
        ReplayWriter w(f.path());
        w.write({0x01020304, {0xaa, 0xbb}});
    }
    const std::vector<uint8_t> expected{4, 3, 2, 1, 2, 0, 0, 0, 0xaa, 0xbb};
    EXPECT_EQ(f.bytes(), expected);
}

TEST(Replay, EmptyFileIsEnd)
{
    ReplaySource src({});
    Message m;
    EXPECT_EQ(src.read(m, 0ms), RecordSource::Status::end);
}

TEST(Replay, TruncatedFramesAreErrorsAfterCompleteOnes)
{
    std::vector<uint8_t> good{1, 0, 0, 0, 2, 0, 0, 0, 9, 9};
    for (std::size_t extra = 1; extra < 12; ++extra) {
        std::vector<uint8_t> bytes = good;
        const std::vector<uint8_t> next{2, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4};
        bytes.insert(bytes.end(), next.begin(), next.begin() + static_cast<std::ptrdiff_t>(extra));
        ReplaySource src(bytes);
        Message m;
        ASSERT_EQ(src.read(m, 0ms), RecordSource::Status::message);
        EXPECT_EQ(m.records, (std::vector<uint8_t>{9, 9}));
        EXPECT_THROW(src.read(m, 0ms), SourceError) << extra;
    }
}

TEST(Replay, OversizedFrameIsRejected)
{
    ReplaySource src({0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff});
    Message m;
    try {
        src.read(m, 0ms);
        FAIL();
    } catch (const SourceError& e) {
        EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos);
    }
}

TEST(Replay, MissingFileIsAClearError)
{
    try {
        ReplaySource::from_file("/nonexistent/dir/file");
        FAIL();
    } catch (const SourceError& e) {
        EXPECT_EQ(e.kind(), SourceError::Kind::io);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/file"), std::string::npos);
    }
}

}  // namespace
}  // namespace procsentry::source
