// SPDX-License-Identifier: GPL-2.0
// Long polls without threads: a request that has nothing to answer yet parks a callback here
// under a key ("host:7", "incidents") with an Asio timer.  The api layer notifies a key when
// something changes; the callback then runs once, woken or timed out.  Every key has a
// generation, read before checking for news and passed to wait(), so that a notify between the
// check and the wait is not lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace procsentry::console::http {

class Waiters {
public:
    explicit Waiters(boost::asio::io_context& ioc);
    ~Waiters();
    Waiters(const Waiters&) = delete;
    Waiters& operator=(const Waiters&) = delete;

    uint64_t generation(const std::string& key) const;
    // done(true) once the key's generation differs from `seen` (at once when it already does),
    // done(false) after `timeout`.  done runs once, on the io_context, never inside wait().
    void wait(const std::string& key, uint64_t seen, std::chrono::milliseconds timeout,
              std::function<void(bool woken)> done);
    void notify(const std::string& key);
    // Shutdown: every parked callback runs now (woken = false); later waits answer at once.
    void release_all();
    std::size_t waiting(const std::string& key) const;
    std::size_t waiting_total() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace procsentry::console::http
