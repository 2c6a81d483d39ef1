// SPDX-License-Identifier: GPL-2.0
#include "app/console_service.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/api.hpp"
#include "api/context.hpp"
#include "api/time_text.hpp"
#include "app/bootstrap.hpp"
#include "app/console_config_loader.hpp"
#include "app/log.hpp"
#include "app/sd_notify.hpp"
#include "console_version.h"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "http/tls_context.hpp"
#include "http/waiters.hpp"
#include "store/store.hpp"

namespace procsentry::console::app {

namespace asio = boost::asio;

namespace {

constexpr int64_t kNsPerS = 1000000000;
constexpr auto kRetentionEvery = std::chrono::minutes(10);
constexpr auto kStatusEvery = std::chrono::seconds(30);
constexpr auto kStopDeadline = std::chrono::seconds(10);

}  // namespace

struct ConsoleService::Impl {
    explicit Impl(ConsoleConfig c) : config(std::move(c)), signals(ioc, SIGTERM, SIGINT), hup(ioc, SIGHUP), retention(ioc), status_timer(ioc) {}

    ConsoleConfig config;
    asio::io_context ioc;
    asio::signal_set signals;
    asio::signal_set hup;
    asio::steady_timer retention;
    asio::steady_timer status_timer;
    std::string where;
    procsentry::app::SdNotify notify;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<http::Waiters> waiters;
    std::unique_ptr<api::ApiContext> ctx;
    std::unique_ptr<api::Api> api;
    std::unique_ptr<http::StaticFiles> files;
    std::shared_ptr<http::TlsContext> tls;
    std::unique_ptr<http::Server> server;
    std::atomic<bool> stopping{false};
    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool all_done = false;
    std::thread deadline;  // stops the io_context if a stop takes too long

    void open_store()
    {
        store::StoreSpec spec;
        spec.type = config.store_type;
        spec.path = config.store_path;
        if (config.store_type == "postgresql")
            spec.conninfo = ConsoleConfigLoader::read_conninfo(config.conninfo_file);
        store = store::open_store(spec);
        store->migrate();
    }

    void first_start()
    {
        if (auto v = Bootstrap::ensure_default_policy(*store))
            procsentry::app::log_notice("created agent configuration version " + std::to_string(*v) + " from procsentryd's default rules");
        if (auto path = Bootstrap::ensure_admin(*store, config.effective_state_dir(),
                                                auth::PasswordHasher::kDefaultLogN))
            procsentry::app::log_notice("no operator existed: created user \"admin\"; its password is in " + *path +
                       " (read it, log in, change it, delete the file)");
    }

    void start_http()
    {
        if (config.tls())
            tls = std::make_shared<http::TlsContext>(config.tls_cert_file, config.tls_key_file);
        waiters = std::make_unique<http::Waiters>(ioc);
        api::ApiSettings s;
        s.heartbeat_wait_s = config.heartbeat_wait_s;
        s.offline_after_s = config.offline_after_s;
        s.idle_timeout_s = config.idle_timeout_s;
        s.absolute_timeout_s = config.absolute_timeout_s;
        s.kdf_slots = config.threads - 1;
        s.version = PROCSENTRY_CONSOLE_VERSION;
        ctx = std::make_unique<api::ApiContext>(*store, *waiters, s);
        api = std::make_unique<api::Api>(*ctx);
        files = std::make_unique<http::StaticFiles>(config.ui_dir);
        http::ServerOptions o;
        o.address = config.listen_address;
        o.port = config.listen_port;
        server = std::make_unique<http::Server>(ioc, o, tls, [this](http::Request& req, http::Reply reply) {
            if (req.path.rfind("/api/", 0) == 0 || req.path == "/api")
                api->handle(req, std::move(reply));
            else
                reply(files->serve(req));
        });
        server->start();
    }

    void arm_signals()
    {
        signals.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec)
                return;
            procsentry::app::log_notice(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
            stop();
        });
        arm_hup();
    }

    void arm_hup()
    {
        if (stopping)
            return;
        hup.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            if (tls) {
                try {
                    tls->reload();
                    procsentry::app::log_notice("SIGHUP: reloaded the TLS certificate " + config.tls_cert_file);
                } catch (const std::exception& e) {
                    procsentry::app::log_err(std::string("SIGHUP: the TLS certificate was not reloaded, the old one stays: ") + e.what());
                }
            } else {
                procsentry::app::log_notice("SIGHUP: no TLS configured, nothing to reload");
            }
            arm_hup();
        });
    }

    void purge_once()
    {
        const int64_t now = api::TimeText::now_ns();
        if (config.retention_max_age_days > 0) {
            const int64_t before = now - config.retention_max_age_days * 86400 * kNsPerS;
            int64_t total = 0;
            // Small batches: the store stays responsive to requests meanwhile.
            for (int i = 0; i < 100; ++i) {
                int64_t n = store->purge_incidents_before(before, 5000);
                total += n;
                if (n < 5000)
                    break;
            }
            if (total)
                procsentry::app::log_info("retention: removed " + std::to_string(total) + " incident(s) older than " +
                         std::to_string(config.retention_max_age_days) + " days");
        }
        store->delete_sessions_before(now - config.idle_timeout_s * kNsPerS);
    }

    void arm_retention()
    {
        retention.expires_after(kRetentionEvery);
        retention.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping)
                return;
            try {
                purge_once();
            } catch (const std::exception& e) {
                procsentry::app::log_err(std::string("retention: ") + e.what());
            }
            arm_retention();
        });
    }

    // systemctl status shows what the console is doing (no store access: it must stay cheap).
    void arm_status()
    {
        status_timer.expires_after(kStatusEvery);
        status_timer.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopping)
                return;
            notify.status("listening on " + where + "; " + std::to_string(server->connections()) + " connections, " +
                          std::to_string(waiters->waiting_total()) + " long polls held");
            arm_status();
        });
    }

    void stop()
    {
        if (stopping.exchange(true))
            return;
        notify.stopping();
        server->stop();
        waiters->release_all();
        boost::system::error_code ec;
        signals.cancel(ec);
        hup.cancel(ec);
        retention.cancel();
        status_timer.cancel();
        // Requests in flight finish; a stuck client does not hold the stop beyond the deadline.
        deadline = std::thread([this]() {
            std::unique_lock lock(stop_mu);
            if (!stop_cv.wait_for(lock, kStopDeadline, [this] { return all_done; })) {
                procsentry::app::log_warn("connections still open after the stop deadline; closing them");
                ioc.stop();
            }
        });
    }
};

ConsoleService::ConsoleService(ConsoleConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

ConsoleService::~ConsoleService() = default;

int ConsoleService::run()
{
    Impl& s = *impl_;
    const ConsoleConfig& c = s.config;
    const char* step = "open the store";
    try {
        s.open_store();
        step = "first start";
        s.first_start();
        step = "start the HTTP listener";
        s.start_http();
    } catch (const std::exception& e) {
        procsentry::app::log_err(std::string("cannot ") + step + ": " + e.what());
        return 1;
    }
    s.arm_signals();
    try {
        s.purge_once();
    } catch (const std::exception& e) {
        procsentry::app::log_err(std::string("retention: ") + e.what());
    }
    s.arm_retention();
    s.where = std::string(c.tls() ? "https://" : "http://") + c.listen_address + ":" + std::to_string(s.server->port());
    const std::string& where = s.where;
    procsentry::app::log_notice("procsentry-console " PROCSENTRY_CONSOLE_VERSION " listening on " + where + " (store " +
               s.store->backend() + ", " + std::to_string(c.threads) + " threads)");
    s.notify.ready("listening on " + where);
    if (s.notify.enabled())
        s.arm_status();
    std::vector<std::thread> workers;
    for (int i = 1; i < c.threads; ++i)
        workers.emplace_back([&s]() { s.ioc.run(); });
    s.ioc.run();
    for (auto& t : workers)
        t.join();
    {
        std::lock_guard lock(s.stop_mu);
        s.all_done = true;
    }
    s.stop_cv.notify_all();
    if (s.deadline.joinable())
        s.deadline.join();
    procsentry::app::log_notice("stopped");
    return 0;
}

}  // namespace procsentry::console::app
