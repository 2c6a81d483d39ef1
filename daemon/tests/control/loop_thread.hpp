// SPDX-License-Identifier: GPL-2.0
// An io_context run by a thread, as the daemon runs it, with a way to look at
// loop-owned state from the test thread and a bounded wait for run() to end.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <thread>

namespace procsentry::control::test {

class LoopThread {
public:
    explicit LoopThread(boost::asio::io_context& io) : io_(io)
    {
        auto done = std::make_shared<std::promise<void>>();
        finished_ = done->get_future();
        thread_ = std::thread([this, done] {
            io_.run();
            done->set_value();
        });
    }
    ~LoopThread()
    {
        if (thread_.joinable()) {
            io_.stop();
            thread_.join();
        }
    }

    // True if run() returned within the deadline.
    bool wait_finished(std::chrono::milliseconds deadline)
    {
        if (finished_.wait_for(deadline) != std::future_status::ready)
            return false;
        thread_.join();
        return true;
    }

    template <typename F>
    auto on_loop(F f) -> decltype(f())
    {
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto fut = task.get_future();
        boost::asio::post(io_, [&task] { task(); });
        return fut.get();
    }

private:
    boost::asio::io_context& io_;
    std::thread thread_;
    std::future<void> finished_;
};

}  // namespace procsentry::control::test
