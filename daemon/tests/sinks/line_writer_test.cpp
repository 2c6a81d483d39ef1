// SPDX-License-Identifier: GPL-2.0
#include "sinks/line_writer.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sink_test_util.hpp"

namespace procsentry::sinks {
namespace {

using test::make_alert;

class Pipe {
public:
    Pipe()
    {
        if (pipe2(fds_, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2");
        // The smallest pipe: one page.
        (void)fcntl(fds_[1], F_SETPIPE_SZ, 4096);
        (void)fcntl(fds_[0], F_SETFL, O_NONBLOCK);
    }
    ~Pipe()
    {
        close(fds_[0]);
        close(fds_[1]);
    }
    int in() const { return fds_[1]; }
    std::string drain()
    {
        std::string out;
        char buf[8192];
        ssize_t n;
        while ((n = read(fds_[0], buf, sizeof buf)) > 0)
            out.append(buf, static_cast<std::size_t>(n));
        return out;
    }

private:
    int fds_[2];
};

TEST(LineWriter, WritesJsonLines)
{
    Pipe p;
    LineWriter w;
    std::vector<alert::SerializedPtr> b{make_alert("a"), make_alert("b"), make_alert("c")};
    const auto r = w.write(p.in(), b, 1, 3, fixed_budget(std::chrono::milliseconds(100)));
    EXPECT_EQ(r.err, 0);
    EXPECT_EQ(r.lines, 2u);
    EXPECT_EQ(p.drain(), "{\"id\":\"b\"}\n{\"id\":\"c\"}\n");
    EXPECT_EQ(r.bytes, 22u);
}

TEST(LineWriter, ResumesALineCutShortInsteadOfRepeatingIt)
{
    Pipe p;
    LineWriter w;
    const std::string big = "{\"id\":\"big\",\"pad\":\"" + std::string(6000, 'x') + "\"}";
    std::vector<alert::SerializedPtr> b{make_alert("a"), make_alert("big", rules::Severity::high, big),
                                        make_alert("z")};
    auto r = w.write(p.in(), b, 0, 3, fixed_budget(std::chrono::milliseconds(50)));
    EXPECT_EQ(r.err, ETIMEDOUT);
    EXPECT_EQ(r.lines, 1u);  // "a" whole, "big" cut
    std::string got = p.drain();
    // As the sink base does: retry from the first unfinished line.
    std::vector<alert::SerializedPtr> rest(b.begin() + 1, b.end());
    r = w.write(p.in(), rest, 0, 2, fixed_budget(std::chrono::milliseconds(50)));
    EXPECT_EQ(r.err, 0);
    EXPECT_EQ(r.lines, 2u);
    got += p.drain();
    EXPECT_EQ(got, "{\"id\":\"a\"}\n" + big + "\n{\"id\":\"z\"}\n");
}

TEST(LineWriter, TerminatesALineThatWasGivenUp)
{
    Pipe p;
    LineWriter w;
    const std::string big = std::string(5000, 'y');
    std::vector<alert::SerializedPtr> b{make_alert("big", rules::Severity::high, big)};
    auto r = w.write(p.in(), b, 0, 1, fixed_budget(std::chrono::milliseconds(50)));
    ASSERT_EQ(r.err, ETIMEDOUT);
    ASSERT_EQ(r.lines, 0u);
    std::string got = p.drain();
    ASSERT_GT(got.size(), 0u);
    ASSERT_LT(got.size(), big.size());
    // The batch was dropped; the next one is another alert.
    std::vector<alert::SerializedPtr> next{make_alert("n")};
    r = w.write(p.in(), next, 0, 1, fixed_budget(std::chrono::milliseconds(50)));
    EXPECT_EQ(r.err, 0);
    got += p.drain();
    EXPECT_EQ(got, big.substr(0, got.size() - 12) + "\n{\"id\":\"n\"}\n");
}

TEST(LineWriter, ResetForgetsTheCutLine)
{
    Pipe p;
    LineWriter w;
    const std::string big = std::string(5000, 'y');
    std::vector<alert::SerializedPtr> b{make_alert("big", rules::Severity::high, big)};
    ASSERT_EQ(w.write(p.in(), b, 0, 1, fixed_budget(std::chrono::milliseconds(50))).err, ETIMEDOUT);
    (void)p.drain();
    w.reset();  // a new file: the line is written whole
    Pipe q;
    (void)fcntl(q.in(), F_SETPIPE_SZ, 65536);
    const auto r = w.write(q.in(), b, 0, 1, fixed_budget(std::chrono::milliseconds(50)));
    EXPECT_EQ(r.err, 0);
    EXPECT_EQ(q.drain(), big + "\n");
}

TEST(LineWriter, ReportsErrnoOfABrokenDescriptor)
{
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    LineWriter w;
    std::vector<alert::SerializedPtr> b{make_alert("a")};
    const auto r = w.write(fds[1], b, 0, 1, fixed_budget(std::chrono::milliseconds(50)));
    EXPECT_EQ(r.err, EPIPE);
    EXPECT_EQ(r.lines, 0u);
    close(fds[1]);
}

}  // namespace
}  // namespace procsentry::sinks
