// SPDX-License-Identifier: GPL-2.0
#include "sinks/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace procsentry::sinks {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

using TlsStream = ssl::stream<tcp::socket>;

// The collector's answer is only read for its status line; a response body
// larger than this is refused rather than buffered (set_response_body_limit).
constexpr std::size_t kResponseBodyLimit = 64 * 1024;
constexpr auto kSlice = std::chrono::milliseconds(20);

struct Exchange {
    explicit Exchange(asio::io_context& ioc) : resolver(ioc) {}
    const Url* url = nullptr;
    http::request<http::string_body> req;
    tcp::resolver resolver;
    std::string phase = "resolve";
    boost::system::error_code ec;
    long verify_result = X509_V_OK;
    int status = 0;
    std::string reason;
    std::string body;
    std::size_t body_limit = kResponseBodyLimit;
    bool done = false;
};

tcp::socket& socket_of(tcp::socket& s) { return s; }
tcp::socket& socket_of(TlsStream& s) { return s.next_layer(); }

template <class Stream>
asio::awaitable<void> run_exchange(Stream& stream, Exchange& x)
{
    try {
        const auto endpoints =
            co_await x.resolver.async_resolve(x.url->host, std::to_string(x.url->port), asio::use_awaitable);
        x.phase = "connect";
        co_await asio::async_connect(socket_of(stream), endpoints, asio::use_awaitable);
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            x.phase = "TLS handshake";
            try {
                co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
            } catch (const boost::system::system_error&) {
                x.verify_result = SSL_get_verify_result(stream.native_handle());
                throw;
            }
        }
        x.phase = "send";
        co_await http::async_write(stream, x.req, asio::use_awaitable);
        x.phase = "receive";
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(x.body_limit);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        x.status = parser.get().result_int();
        x.reason = std::string(parser.get().reason());
        x.body = std::move(parser.get().body());
    } catch (const boost::system::system_error& e) {
        x.ec = e.code();
    } catch (const std::exception& e) {
        // Anything else must still end the exchange, or post() would wait forever.
        x.ec = make_error_code(boost::system::errc::protocol_error);
        x.phase += std::string(" (") + e.what() + ")";
    }
    x.done = true;
}

bool is_ip_literal(const std::string& host)
{
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

struct HttpClient::Impl {
    asio::io_context ioc{1};
    ssl::context tls{ssl::context::tls_client};
};

HttpClient::HttpClient(Url url, const std::string& ca_file)
    : url_(std::move(url)), impl_(std::make_unique<Impl>()), abort_at_(Clock::time_point::max().time_since_epoch().count()),
      body_limit_(kResponseBodyLimit)
{
    if (!url_.tls)
        return;
    impl_->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (ca_file.empty()) {
        impl_->tls.set_default_verify_paths(ec);
        if (ec)
            throw std::runtime_error("TLS: cannot load the system's CA store: " + ec.message());
        return;
    }
    // ifstream first: OpenSSL's error for a missing file does not carry errno.
    std::ifstream probe(ca_file);
    if (!probe)
        throw std::runtime_error("ca_file " + ca_file + ": " + std::strerror(errno));
    impl_->tls.load_verify_file(ca_file, ec);
    if (ec)
        throw std::runtime_error("ca_file " + ca_file + ": no usable certificate: " + ec.message());
}

HttpClient::~HttpClient() = default;

void HttpClient::abort_at(Clock::time_point t) { abort_at_.store(t.time_since_epoch().count()); }

HttpClient::Response HttpClient::post(const std::string& body, const Headers& headers, Clock::time_point deadline)
{
    auto& ioc = impl_->ioc;
    ioc.restart();
    Exchange x(ioc);
    x.url = &url_;
    x.body_limit = body_limit_;
    x.req = http::request<http::string_body>(http::verb::post, url_.target, 11);
    x.req.set(http::field::host, url_.authority());
    x.req.set(http::field::user_agent, "procsentryd");
    x.req.set(http::field::connection, "close");
    for (const auto& [name, value] : headers)
        x.req.set(name, value);
    x.req.body() = body;
    x.req.prepare_payload();

    std::optional<tcp::socket> plain;
    std::optional<TlsStream> tls;
    if (url_.tls) {
        tls.emplace(ioc, impl_->tls);
        if (!is_ip_literal(url_.host))
            SSL_set_tlsext_host_name(tls->native_handle(), url_.host.c_str());
        tls->set_verify_mode(ssl::verify_peer);
        // OpenSSL leaves the reason of a name mismatch unset; set it so that
        // the error says "hostname mismatch" rather than "unspecified".
        tls->set_verify_callback([check = ssl::host_name_verification(url_.host)](
                                     bool preverified, ssl::verify_context& ctx) mutable {
            const bool ok = check(preverified, ctx);
            if (preverified && !ok)
                X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
            return ok;
        });
        asio::co_spawn(ioc, run_exchange(*tls, x), asio::detached);
    } else {
        plain.emplace(ioc);
        asio::co_spawn(ioc, run_exchange(*plain, x), asio::detached);
    }

    // Run in slices so that a deadline, or an abort_at() from another
    // thread, closes the socket and every pending operation completes.
    bool gave_up = false;
    bool aborted = false;
    while (!x.done) {
        const auto now = Clock::now();
        const auto abort = Clock::time_point(Clock::duration(abort_at_.load()));
        if (!gave_up && now >= std::min(deadline, abort)) {
            gave_up = true;
            aborted = abort <= deadline;
            x.resolver.cancel();
            boost::system::error_code ignored;
            (plain ? *plain : tls->next_layer()).close(ignored);
        }
        ioc.run_for(kSlice);
    }

    Response r;
    r.status = x.status;
    r.reason = x.reason;
    r.body = std::move(x.body);
    if (gave_up && r.status == 0) {
        r.error = std::string(aborted ? "sink stopping" : "timeout") + " in " + x.phase + " (" + url_.authority() + ")";
    } else if (r.status == 0) {
        r.error = x.phase + ": " + x.ec.message();
        if (x.verify_result != X509_V_OK)
            r.error += std::string(": ") + X509_verify_cert_error_string(x.verify_result);
        r.error += " (" + url_.authority() + ")";
    }
    return r;
}

}  // namespace procsentry::sinks
