// SPDX-License-Identifier: GPL-2.0
// The API layer in-process for tests: a real SqliteStore in a temp dir, the long-poll registry
// on a running io_context, and call() that sends a Request through Api::handle and waits (with
// a deadline) for the answer.  Passwords use a cheap scrypt cost to keep tests fast.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <json/value.h>

#include "api/api.hpp"
#include "api/context.hpp"
#include "api/json_text.hpp"
#include "api/time_text.hpp"
#include "app/bootstrap.hpp"
#include "auth/password_hasher.hpp"
#include "auth/roles.hpp"
#include "http/waiters.hpp"
#include "store/store.hpp"

namespace procsentry::console::test {

struct Answer {
    int status = 0;
    std::string body;
    Json::Value json;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string header(const std::string& name) const
    {
        for (const auto& [k, v] : headers)
            if (k == name)
                return v;
        return "";
    }
    std::string code() const { return json["error"]["code"].asString(); }
};

struct Login {
    std::string cookie;  // "ps_session=..."
    std::string csrf;
};

class ApiHarness {
public:
    static constexpr int kLogN = 10;

    explicit ApiHarness(api::ApiSettings settings = {})
        : dir_(std::filesystem::temp_directory_path() /
               ("psc-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))),
          work_(boost::asio::make_work_guard(ioc_))
    {
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        store::StoreSpec spec;
        spec.type = "sqlite";
        spec.path = (dir_ / "console.db").string();
        store_ = store::open_store(spec);
        store_->migrate();
        app::Bootstrap::ensure_default_policy(*store_);
        waiters_ = std::make_unique<http::Waiters>(ioc_);
        settings.scrypt_log_n = kLogN;
        if (settings.version.empty())
            settings.version = "test";
        ctx_ = std::make_unique<api::ApiContext>(*store_, *waiters_, settings);
        api_ = std::make_unique<api::Api>(*ctx_);
        thread_ = std::thread([this]() { ioc_.run(); });
    }
    ~ApiHarness()
    {
        waiters_->release_all();
        work_.reset();
        ioc_.stop();
        thread_.join();
        api_.reset();
        ctx_.reset();
        waiters_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    store::Store& store() { return *store_; }
    api::ApiContext& ctx() { return *ctx_; }
    http::Waiters& waiters() { return *waiters_; }
    const std::filesystem::path& dir() const { return dir_; }

    // Sends the request; a JSON content type is added when there is a body and none is given.
    std::future<Answer> start(const std::string& method, const std::string& target, const std::string& body = "",
                              std::vector<std::pair<std::string, std::string>> headers = {})
    {
        http::Request req;
        req.method = method;
        req.target = target;
        std::size_t q = target.find('?');
        req.path = target.substr(0, q);
        if (q != std::string::npos) {
            std::string qs = target.substr(q + 1);
            std::size_t start = 0;
            while (start <= qs.size()) {
                std::size_t amp = qs.find('&', start);
                std::string part = qs.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
                std::size_t eq = part.find('=');
                if (!part.empty())
                    req.query.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
                if (amp == std::string::npos)
                    break;
                start = amp + 1;
            }
        }
        bool has_ct = false;
        for (auto& [k, v] : headers) {
            for (auto& c : k)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            has_ct = has_ct || k == "content-type";
        }
        if (!body.empty() && !has_ct)
            headers.emplace_back("content-type", "application/json");
        req.headers = std::move(headers);
        req.body = body;
        req.remote = "192.0.2.1";
        auto promise = std::make_shared<std::promise<Answer>>();
        auto fut = promise->get_future();
        auto once = std::make_shared<std::atomic<bool>>(false);
        api_->handle(req, [promise, once](http::Response r) {
            if (once->exchange(true)) {
                ADD_FAILURE() << "reply called twice";
                return;
            }
            Answer a;
            a.status = r.status;
            a.body = r.body;
            a.headers = r.headers;
            if (!r.body.empty()) {
                auto j = api::JsonText::parse(r.body);
                if (j)
                    a.json = *j;
            }
            promise->set_value(std::move(a));
        });
        return fut;
    }

    Answer call(const std::string& method, const std::string& target, const std::string& body = "",
                std::vector<std::pair<std::string, std::string>> headers = {})
    {
        auto f = start(method, target, body, std::move(headers));
        if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
            ADD_FAILURE() << method << " " << target << ": no answer";
            return {};
        }
        return f.get();
    }

    // As an operator with a session: cookie and CSRF headers added.
    Answer as(const Login& who, const std::string& method, const std::string& target, const std::string& body = "")
    {
        return call(method, target, body, {{"cookie", who.cookie}, {"x-csrf-token", who.csrf}});
    }

    int64_t add_user(const std::string& name, store::Role role, const std::string& password = "a good password!")
    {
        store::UserRow u;
        u.name = name;
        u.role = role;
        u.password_hash = auth::PasswordHasher(kLogN).hash(password);
        u.created = 1;
        return store_->create_user(u);
    }

    Login login(const std::string& name, const std::string& password = "a good password!")
    {
        Answer a = call("POST", "/api/v1/login",
                        "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
        EXPECT_EQ(a.status, 200) << a.body;
        Login l;
        std::string set = a.header("Set-Cookie");
        l.cookie = set.substr(0, set.find(';'));
        l.csrf = a.json["csrf_token"].asString();
        return l;
    }

    Login user(const std::string& name, store::Role role)
    {
        add_user(name, role);
        return login(name);
    }

    std::string enrollment_token(const Login& admin, const std::string& extra = "")
    {
        Answer a = as(admin, "POST", "/api/v1/enrollment-tokens", "{\"name\":\"t\"" + extra + "}");
        EXPECT_EQ(a.status, 201) << a.body;
        return a.json["token"].asString();
    }

    struct Agent {
        int64_t host_id = 0;
        std::string token;
    };
    Agent enroll(const std::string& enrollment, const std::string& name)
    {
        Answer a = call("POST", "/api/agent/v1/enroll",
                        "{\"host\":{\"name\":\"" + name + "\",\"machine_id\":\"m-" + name +
                            "\",\"boot_id\":\"b\"},\"agent_version\":\"0.1.0\"}",
                        {{"authorization", "Bearer " + enrollment}});
        EXPECT_EQ(a.status, 201) << a.body;
        return Agent{a.json["host_id"].asInt64(), a.json["agent_token"].asString()};
    }

    static std::string alert_line(const std::string& id, const std::string& severity = "high",
                                  const std::string& exe = "/tmp/x/evil", const std::string& time = "2026-11-28T04:13:55.123456789Z")
    {
        return "{\"schema\":\"procsentry.alert/1\",\"id\":\"" + id + "\",\"time\":\"" + time +
               "\",\"host\":{\"name\":\"spoofed\",\"machine_id\":\"m\",\"boot_id\":\"b\"},\"kind\":\"rule\","
               "\"severity\":\"" + severity + "\",\"summary\":\"alice ran " + exe + "\","
               "\"rule\":{\"name\":\"exec-from-writable-dir\",\"type\":\"bin-execution\"},\"outcome\":\"success\","
               "\"process\":{\"pid\":4242,\"exe\":\"" + exe + "\",\"args\":[\"./evil\",\"-c\",\"id\"],\"uid\":1000,"
               "\"user\":\"alice\"},\"ancestry\":[{\"pid\":1,\"exe\":\"/lib/systemd/systemd\"}]}";
    }

    Answer post_alerts(const Agent& a, const std::string& ndjson)
    {
        return call("POST", "/api/agent/v1/alerts", ndjson,
                    {{"authorization", "Bearer " + a.token}, {"content-type", "application/x-ndjson"}});
    }

private:
    static std::atomic<int>& counter()
    {
        static std::atomic<int> c{0};
        return c;
    }

    std::filesystem::path dir_;
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<http::Waiters> waiters_;
    std::unique_ptr<api::ApiContext> ctx_;
    std::unique_ptr<api::Api> api_;
    std::thread thread_;
};

}  // namespace procsentry::console::test
