// SPDX-License-Identifier: GPL-2.0
#include "sinks/stdout_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "sink_test_util.hpp"

namespace procsentry::sinks {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::make_alert;

struct PipeFds {
    int r = -1, w = -1;
    PipeFds()
    {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
            throw std::runtime_error("pipe2");
        r = fds[0];
        w = fds[1];
        (void)fcntl(r, F_SETFL, O_NONBLOCK);
    }
    ~PipeFds()
    {
        close(r);
        close(w);
    }
    std::string read_all()
    {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = read(r, buf, sizeof buf)) > 0)
            out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
};

TEST(StdoutSink, WritesOneJsonLinePerAlert)
{
    PipeFds p;
    StdoutSink s("out", {}, p.w);
    s.start();
    s.submit(make_alert("1"));
    s.submit(make_alert("2", rules::Severity::info, R"({"id":"2","x":"a\"b"})"));
    s.stop(5s);
    EXPECT_EQ(p.read_all(), "{\"id\":\"1\"}\n{\"id\":\"2\",\"x\":\"a\\\"b\"}\n");
    const auto h = s.health();
    EXPECT_EQ(h.type, "stdout");
    EXPECT_EQ(h.name, "out");
    EXPECT_EQ(h.delivered, 2u);
    EXPECT_TRUE(h.healthy);
}

TEST(StdoutSink, AStuckReaderDoesNotHoldUpStop)
{
    PipeFds p;
    (void)fcntl(p.w, F_SETPIPE_SZ, 4096);
    // Fill the pipe so that nothing more fits.
    (void)fcntl(p.w, F_SETFL, O_NONBLOCK);
    const std::string fill(4096, '.');
    while (write(p.w, fill.data(), fill.size()) > 0) {
    }
    (void)fcntl(p.w, F_SETFL, 0);

    StdoutSink s("out", {}, p.w);
    s.start();
    s.submit(make_alert("stuck"));
    const auto t0 = std::chrono::steady_clock::now();
    s.stop(200ms);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
    const auto h = s.health();
    EXPECT_EQ(h.delivered, 0u);
    EXPECT_EQ(h.dropped, 1u);
    EXPECT_FALSE(h.healthy);
    EXPECT_NE(h.last_error.find("write fd"), std::string::npos) << h.last_error;
}

TEST(StdoutSink, RecoversWhenTheReaderCatchesUp)
{
    PipeFds p;
    (void)fcntl(p.w, F_SETPIPE_SZ, 4096);
    QueuedSink::Options o;
    o.retry_initial = 10ms;
    o.retry_max = 20ms;
    StdoutSink s("out", o, p.w);
    const std::string big = std::string(3000, 'b');
    s.start();
    for (int i = 0; i < 4; ++i)
        s.submit(make_alert(std::to_string(i), rules::Severity::high, big + std::to_string(i)));
    std::string got;
    ASSERT_TRUE(eventually([&] {
        got += p.read_all();
        return s.health().delivered == 4;
    }));
    got += p.read_all();
    std::string want;
    for (int i = 0; i < 4; ++i)
        want += big + std::to_string(i) + "\n";
    EXPECT_EQ(got, want);  // no line repeated or cut, whatever the pipe did
}

}  // namespace
}  // namespace procsentry::sinks
