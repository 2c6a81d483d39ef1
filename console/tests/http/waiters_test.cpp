// SPDX-License-Identifier: GPL-2.0
#include "http/waiters.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace procsentry::console::http {
namespace {

using namespace std::chrono_literals;

class WaitersTest : public ::testing::Test {
protected:
    WaitersTest() : work_(boost::asio::make_work_guard(ioc_)), waiters_(ioc_)
    {
        thread_ = std::thread([this]() { ioc_.run(); });
    }
    ~WaitersTest() override
    {
        work_.reset();
        ioc_.stop();
        thread_.join();
    }

    struct Outcome {
        std::mutex mu;
        std::condition_variable cv;
        int calls = 0;
        bool woken = false;
        std::chrono::steady_clock::time_point at;
        bool wait_for(std::chrono::milliseconds d)
        {
            std::unique_lock l(mu);
            return cv.wait_for(l, d, [this] { return calls > 0; });
        }
    };
    std::function<void(bool)> record(std::shared_ptr<Outcome> o)
    {
        return [o](bool woken) {
            std::lock_guard l(o->mu);
            ++o->calls;
            o->woken = woken;
            o->at = std::chrono::steady_clock::now();
            o->cv.notify_all();
        };
    }

    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    Waiters waiters_;
    std::thread thread_;
};

TEST_F(WaitersTest, NotifyWakesAParkedWaiter)
{
    auto o = std::make_shared<Outcome>();
    auto start = std::chrono::steady_clock::now();
    waiters_.wait("host:1", waiters_.generation("host:1"), 10s, record(o));
    EXPECT_EQ(waiters_.waiting("host:1"), 1u);
    waiters_.notify("host:1");
    ASSERT_TRUE(o->wait_for(5s));
    EXPECT_TRUE(o->woken);
    EXPECT_LT(o->at - start, 5s);
    EXPECT_EQ(waiters_.waiting("host:1"), 0u);
}

TEST_F(WaitersTest, TimesOutWithoutNotify)
{
    auto o = std::make_shared<Outcome>();
    auto start = std::chrono::steady_clock::now();
    waiters_.wait("k", waiters_.generation("k"), 100ms, record(o));
    ASSERT_TRUE(o->wait_for(5s));
    EXPECT_FALSE(o->woken);
    EXPECT_GE(o->at - start, 90ms);
}

TEST_F(WaitersTest, NotifyBeforeWaitIsNotLost)
{
    const uint64_t seen = waiters_.generation("k");
    waiters_.notify("k");  // happens between the caller's check and its wait
    auto o = std::make_shared<Outcome>();
    waiters_.wait("k", seen, 10s, record(o));
    ASSERT_TRUE(o->wait_for(2s));
    EXPECT_TRUE(o->woken);
}

TEST_F(WaitersTest, OtherKeysStayParkedAndCallbackRunsOnce)
{
    auto a = std::make_shared<Outcome>();
    auto b = std::make_shared<Outcome>();
    waiters_.wait("a", 0, 300ms, record(a));
    waiters_.wait("b", 0, 10s, record(b));
    waiters_.notify("b");
    waiters_.notify("b");
    ASSERT_TRUE(b->wait_for(2s));
    ASSERT_TRUE(a->wait_for(5s));
    EXPECT_FALSE(a->woken);
    std::this_thread::sleep_for(50ms);  // would reveal a second call
    EXPECT_EQ(a->calls, 1);
    EXPECT_EQ(b->calls, 1);
}

TEST_F(WaitersTest, ReleaseAllAnswersEveryoneNowAndLaterWaitsAtOnce)
{
    auto a = std::make_shared<Outcome>();
    auto b = std::make_shared<Outcome>();
    waiters_.wait("a", 0, 60s, record(a));
    waiters_.wait("b", 0, 60s, record(b));
    EXPECT_EQ(waiters_.waiting_total(), 2u);
    waiters_.release_all();
    ASSERT_TRUE(a->wait_for(2s));
    ASSERT_TRUE(b->wait_for(2s));
    auto c = std::make_shared<Outcome>();
    waiters_.wait("c", 0, 60s, record(c));
    ASSERT_TRUE(c->wait_for(2s));
    EXPECT_EQ(waiters_.waiting_total(), 0u);
}

}  // namespace
}  // namespace procsentry::console::http
