// SPDX-License-Identifier: GPL-2.0
// The agent token, shared between the agent (which enrols and sets it) and
// the console sink (which asks for it before every POST, from its own
// thread).  Shared by pointer so neither outlives what it reads.
#pragma once

#include <mutex>
#include <string>

namespace procsentry::agent {

class TokenBox {
public:
    void set(std::string token)
    {
        std::lock_guard lk(mu_);
        token_ = std::move(token);
    }
    std::string get() const
    {
        std::lock_guard lk(mu_);
        return token_;
    }

private:
    mutable std::mutex mu_;
    std::string token_;
};

}  // namespace procsentry::agent
