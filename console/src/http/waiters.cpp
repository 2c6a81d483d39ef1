// SPDX-License-Identifier: GPL-2.0
#include "http/waiters.hpp"

#include <list>
#include <map>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace procsentry::console::http {

namespace asio = boost::asio;

namespace {

struct Waiter {
    explicit Waiter(const asio::strand<asio::io_context::executor_type>& s) : timer(s) {}
    asio::steady_timer timer;   // touched only on the strand
    std::function<void(bool)> done;
    bool fired = false;         // under Impl::mu
    std::string key;
};

}  // namespace

struct Waiters::Impl : std::enable_shared_from_this<Waiters::Impl> {
    explicit Impl(asio::io_context& c) : ioc(c), strand(asio::make_strand(c)) {}

    struct Slot {
        uint64_t generation = 0;
        std::list<std::shared_ptr<Waiter>> parked;
    };

    asio::io_context& ioc;
    asio::strand<asio::io_context::executor_type> strand;
    mutable std::mutex mu;
    std::map<std::string, Slot> slots;
    bool released = false;

    // Under mu: takes w out and hands its callback to the io_context.
    void fire_locked(const std::shared_ptr<Waiter>& w, bool woken)
    {
        if (w->fired)
            return;
        w->fired = true;
        auto it = slots.find(w->key);
        if (it != slots.end()) {
            it->second.parked.remove(w);
            if (it->second.parked.empty() && it->second.generation == 0)
                slots.erase(it);
        }
        asio::post(ioc, [done = std::move(w->done), woken]() { done(woken); });
        asio::post(strand, [w]() { w->timer.cancel(); });
    }
};

Waiters::Waiters(asio::io_context& ioc) : impl_(std::make_shared<Impl>(ioc)) {}

Waiters::~Waiters() = default;

uint64_t Waiters::generation(const std::string& key) const
{
    std::lock_guard lock(impl_->mu);
    auto it = impl_->slots.find(key);
    return it == impl_->slots.end() ? 0 : it->second.generation;
}

void Waiters::wait(const std::string& key, uint64_t seen, std::chrono::milliseconds timeout,
                   std::function<void(bool)> done)
{
    auto impl = impl_;
    std::lock_guard lock(impl->mu);
    auto& slot = impl->slots[key];
    if (slot.generation != seen || impl->released) {
        bool woken = slot.generation != seen;
        asio::post(impl->ioc, [done = std::move(done), woken]() { done(woken); });
        return;
    }
    auto w = std::make_shared<Waiter>(impl->strand);
    w->done = std::move(done);
    w->key = key;
    slot.parked.push_back(w);
    asio::post(impl->strand, [impl, w, timeout]() {
        {
            std::lock_guard l(impl->mu);
            if (w->fired)
                return;
        }
        w->timer.expires_after(timeout);
        w->timer.async_wait([impl, w](const boost::system::error_code& ec) {
            if (ec == asio::error::operation_aborted)
                return;
            std::lock_guard l(impl->mu);
            impl->fire_locked(w, false);
        });
    });
}

void Waiters::notify(const std::string& key)
{
    std::lock_guard lock(impl_->mu);
    auto& slot = impl_->slots[key];
    ++slot.generation;
    std::vector<std::shared_ptr<Waiter>> parked(slot.parked.begin(), slot.parked.end());
    for (auto& w : parked)
        impl_->fire_locked(w, true);
}

void Waiters::release_all()
{
    std::lock_guard lock(impl_->mu);
    impl_->released = true;
    std::vector<std::shared_ptr<Waiter>> all;
    for (auto& [k, slot] : impl_->slots)
        all.insert(all.end(), slot.parked.begin(), slot.parked.end());
    for (auto& w : all)
        impl_->fire_locked(w, false);
}

std::size_t Waiters::waiting(const std::string& key) const
{
    std::lock_guard lock(impl_->mu);
    auto it = impl_->slots.find(key);
    return it == impl_->slots.end() ? 0 : it->second.parked.size();
}

std::size_t Waiters::waiting_total() const
{
    std::lock_guard lock(impl_->mu);
    std::size_t n = 0;
    for (const auto& [k, slot] : impl_->slots)
        n += slot.parked.size();
    return n;
}

}  // namespace procsentry::console::http
