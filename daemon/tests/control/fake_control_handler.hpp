// SPDX-License-Identifier: GPL-2.0
// ControlHandler for tests: canned answers, counts calls.  Called on the
// io_context thread while the test thread reads the counters: atomics.
#pragma once

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#include "control/control_handler.hpp"

namespace procsentry::control::test {

class FakeControlHandler : public ControlHandler {
public:
    Json::Value status() override
    {
        ++status_calls;
        if (throw_on_status)
            throw std::runtime_error("status exploded");
        Json::Value v;
        v["monitoring"] = enabled.load();
        v["module"]["abi"] = 3;
        v["config"]["file"] = "/etc/procsentry/procsentry.json";
        return v;
    }
    Json::Value stats() override
    {
        Json::Value v;
        v["events"] = Json::UInt64(12345);
        v["drops"]["ring_full"] = 2;
        return v;
    }
    bool set_enabled(bool on, std::string& message) override
    {
        enabled = on;
        message = on ? "monitoring enabled" : "monitoring disabled";
        return true;
    }
    bool reload(std::string& message) override
    {
        ++reload_calls;
        if (reload_fails) {
            message = "/etc/procsentry/procsentry.json: rules[0].severity: unknown severity (\"loud\")";
            return false;
        }
        message = "configuration 2 loaded";
        return true;
    }

    std::atomic<bool> enabled{true};
    std::atomic<bool> reload_fails{false};
    std::atomic<bool> throw_on_status{false};
    std::atomic<int> status_calls{0};
    std::atomic<int> reload_calls{0};
};

}  // namespace procsentry::control::test
