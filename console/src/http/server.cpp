// SPDX-License-Identifier: GPL-2.0
#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "app/log.hpp"
#include "http/tls_context.hpp"
#include "http/url_codec.hpp"

namespace procsentry::console::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

class SessionBase {
public:
    virtual ~SessionBase() = default;
    virtual void close_if_idle() = 0;
};

Response error_response(int status, const char* code, const char* message)
{
    return Response::json(status, std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message +
                                      "\",\"details\":[]}}");
}

std::string client_address(const tcp::socket& s)
{
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec)
        return "";
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        return addr.to_v6().to_v4().to_string();
    return addr.to_string();
}

void add_security_headers(bhttp::response<bhttp::string_body>& res, bool api)
{
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");
    if (api && res.find(bhttp::field::cache_control) == res.end())
        res.set(bhttp::field::cache_control, "no-store");
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Impl(asio::io_context& c, ServerOptions o, std::shared_ptr<TlsContext> t, Handler h)
        : ioc(c), opts(std::move(o)), tls(std::move(t)), handler(std::move(h)), acceptor(c), backoff(c)
    {
    }

    asio::io_context& ioc;
    ServerOptions opts;
    std::shared_ptr<TlsContext> tls;
    Handler handler;
    tcp::acceptor acceptor;
    asio::steady_timer backoff;
    std::atomic<std::size_t> active{0};
    std::atomic<bool> stopping{false};
    std::mutex mu;
    uint64_t next_id = 0;
    std::map<uint64_t, std::weak_ptr<SessionBase>> sessions;
    uint16_t bound_port = 0;

    uint64_t add_session(const std::shared_ptr<SessionBase>& s)
    {
        std::lock_guard lock(mu);
        sessions[++next_id] = s;
        return next_id;
    }
    void remove_session(uint64_t id)
    {
        std::lock_guard lock(mu);
        sessions.erase(id);
    }

    void do_accept();
    void on_accept(boost::system::error_code ec, tcp::socket socket);
};

namespace {

template <bool Tls>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Tls>> {
public:
    using Stream = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

    Session(std::shared_ptr<Server::Impl> server, tcp::socket&& socket, std::shared_ptr<asio::ssl::context> ctx)
        requires Tls
        : server_(std::move(server)), remote_(client_address(socket)), ctx_(std::move(ctx)),
          stream_(std::move(socket), *ctx_)
    {
        ++server_->active;
    }
    Session(std::shared_ptr<Server::Impl> server, tcp::socket&& socket)
        requires(!Tls)
        : server_(std::move(server)), remote_(client_address(socket)), stream_(std::move(socket))
    {
        ++server_->active;
    }
    ~Session() override
    {
        if (id_)
            server_->remove_session(id_);
        --server_->active;
    }

    void start()
    {
        id_ = server_->add_session(this->shared_from_this());
        asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()]() { self->begin(); });
    }

    void close_if_idle() override
    {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()]() {
            if (self->idle_) {
                boost::system::error_code ec;
                beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
                beast::get_lowest_layer(self->stream_).cancel();
            }
        });
    }

private:
    void begin()
    {
        if constexpr (Tls) {
            beast::get_lowest_layer(stream_).expires_after(server_->opts.read_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](boost::system::error_code ec) {
                                        if (!ec)
                                            self->do_read();
                                    });
        } else {
            do_read();
        }
    }

    void do_read()
    {
        if (server_->stopping) {
            do_close();
            return;
        }
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(server_->opts.header_limit));
        // Beast compares Content-Length with the limit while parsing the header, before we know
        // the path: start with the larger limit and narrow it in on_header.
        parser_->body_limit(std::max(server_->opts.body_limit, server_->opts.large_body_limit));
        idle_ = true;
        beast::get_lowest_layer(stream_).expires_after(server_->opts.read_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                                     self->on_header(ec);
                                 });
    }

    void on_header(boost::system::error_code ec)
    {
        idle_ = false;
        if (ec) {
            on_read_error(ec);
            return;
        }
        const auto& h = parser_->get();
        std::string_view target(h.target().data(), h.target().size());
        std::string_view path = target.substr(0, target.find('?'));
        std::size_t limit = server_->opts.body_limit;
        for (const auto& p : server_->opts.large_body_paths)
            if (path == p)
                limit = server_->opts.large_body_limit;
        parser_->body_limit(limit);
        if (auto cl = parser_->content_length(); cl && *cl > limit) {
            fail(413, "too_large", "the request body is over the limit");
            return;
        }
        auto expect = h.find(bhttp::field::expect);
        if (expect != h.end() && beast::iequals(expect->value(), "100-continue")) {
            continue_.emplace(bhttp::status::continue_, h.version());
            bhttp::async_write(stream_, *continue_,
                               [self = this->shared_from_this()](boost::system::error_code ec2, std::size_t) {
                                   if (ec2)
                                       return;
                                   self->read_body();
                               });
            return;
        }
        read_body();
    }

    void read_body()
    {
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                              self->on_read(ec);
                          });
    }

    void on_read_error(boost::system::error_code ec)
    {
        if (ec == bhttp::error::body_limit) {
            fail(413, "too_large", "the request body is over the limit");
        } else if (ec == bhttp::error::header_limit) {
            fail(431, "bad_request", "the request header is over the limit");
        } else if (ec == bhttp::error::end_of_stream) {
            do_close();
        } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                   ec != bhttp::error::partial_message) {
            fail(400, "bad_request", "malformed HTTP request");
        }
        // Timeouts, resets and cancellations: nothing can be answered; the session just ends.
    }

    void on_read(boost::system::error_code ec)
    {
        if (ec) {
            on_read_error(ec);
            return;
        }
        auto msg = parser_->release();
        keep_alive_ = msg.keep_alive();
        version_ = msg.version();
        auto req = std::make_shared<Request>();
        req->method = std::string(msg.method_string());
        req->target = std::string(msg.target());
        std::string_view target(req->target);
        std::size_t q = target.find('?');
        auto path = UrlCodec::decode_path(target.substr(0, q));
        auto query = UrlCodec::parse_query(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
        if (!path || !query || path->empty() || (*path)[0] != '/') {
            fail(400, "bad_request", "malformed request target");
            return;
        }
        req->path = std::move(*path);
        req->query = std::move(*query);
        for (const auto& f : msg) {
            std::string name(f.name_string());
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            req->headers.emplace_back(std::move(name), std::string(f.value()));
        }
        req->body = std::move(msg.body());
        req->remote = remote_;
        req->tls = Tls;
        is_api_ = req->path.rfind("/api/", 0) == 0;
        is_head_ = req->method == "HEAD";
        // Long polls hold the request for up to a minute: the read timer is off until the answer.
        beast::get_lowest_layer(stream_).expires_never();
        // The reply keeps the connection alive until the answer is written (a long poll holds it
        // in a timer); answering twice is ignored.
        auto self = this->shared_from_this();
        auto answered = std::make_shared<std::atomic<bool>>(false);
        Reply reply = [self, answered](Response r) {
            if (answered->exchange(true))
                return;
            asio::post(self->stream_.get_executor(),
                       [self, r = std::move(r)]() mutable { self->write(std::move(r), false); });
        };
        try {
            server_->handler(*req, reply);
        } catch (const std::exception& e) {
            procsentry::app::log_err(std::string("request handler failed: ") + e.what());
            reply(error_response(500, "internal", "internal error"));
        }
    }

    void fail(int status, const char* code, const char* message)
    {
        keep_alive_ = false;
        is_api_ = true;
        is_head_ = false;
        if (version_ == 0)
            version_ = 11;
        write(error_response(status, code, message), true);
    }

    void write(Response r, bool close)
    {
        res_.emplace(static_cast<bhttp::status>(r.status), version_ ? version_ : 11);
        if (!r.content_type.empty())
            res_->set(bhttp::field::content_type, r.content_type);
        for (auto& [k, v] : r.headers)
            res_->set(k, v);
        add_security_headers(*res_, is_api_);
        const bool keep = keep_alive_ && !close && !server_->stopping;
        res_->keep_alive(keep);
        std::size_t size = r.body.size();
        res_->body() = is_head_ ? std::string() : std::move(r.body);
        res_->prepare_payload();
        if (is_head_)
            res_->content_length(size);
        beast::get_lowest_layer(stream_).expires_after(server_->opts.write_timeout);
        bhttp::async_write(stream_, *res_,
                           [self = this->shared_from_this(), keep](boost::system::error_code ec, std::size_t) {
                               if (ec)
                                   return;
                               if (keep)
                                   self->do_read();
                               else
                                   self->do_close();
                           });
    }

    void do_close()
    {
        if constexpr (Tls) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
            stream_.async_shutdown([self = this->shared_from_this()](boost::system::error_code) {
                boost::system::error_code ec;
                beast::get_lowest_layer(self->stream_).socket().close(ec);
            });
        } else {
            boost::system::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        }
    }

    std::shared_ptr<Server::Impl> server_;
    std::string remote_;
    std::shared_ptr<asio::ssl::context> ctx_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::response<bhttp::empty_body>> continue_;
    std::optional<bhttp::response<bhttp::string_body>> res_;
    uint64_t id_ = 0;
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool idle_ = false;
    bool is_api_ = true;
    bool is_head_ = false;
};

}  // namespace

void Server::Impl::do_accept()
{
    acceptor.async_accept(asio::make_strand(ioc),
                          [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                              self->on_accept(ec, std::move(socket));
                          });
}

void Server::Impl::on_accept(boost::system::error_code ec, tcp::socket socket)
{
    if (stopping || !acceptor.is_open())
        return;
    if (ec) {
        // EMFILE and friends: pause instead of spinning on the error.
        procsentry::app::log_warn("accept failed: " + ec.message());
        backoff.expires_after(std::chrono::milliseconds(100));
        backoff.async_wait([self = shared_from_this()](boost::system::error_code e) {
            if (!e)
                self->do_accept();
        });
        return;
    }
    // Responses go out as several writes (TLS records, header then body): with Nagle on,
    // the last one waits for the client's delayed ACK, about 40 ms on every answer.
    boost::system::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    if (active >= opts.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
    } else if (tls) {
        std::make_shared<Session<true>>(shared_from_this(), std::move(socket), tls->current())->start();
    } else {
        std::make_shared<Session<false>>(shared_from_this(), std::move(socket))->start();
    }
    do_accept();
}

Server::Server(asio::io_context& ioc, ServerOptions options, std::shared_ptr<TlsContext> tls, Handler handler)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(tls), std::move(handler)))
{
}

Server::~Server()
{
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
}

void Server::start()
{
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(impl_->opts.address, ec);
    const std::string where = impl_->opts.address + ":" + std::to_string(impl_->opts.port);
    if (ec)
        throw std::runtime_error("listen.address \"" + impl_->opts.address + "\": not an IP address");
    tcp::endpoint ep(addr, impl_->opts.port);
    impl_->acceptor.open(ep.protocol(), ec);
    if (!ec)
        impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        impl_->acceptor.bind(ep, ec);
    if (!ec)
        impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    impl_->bound_port = impl_->acceptor.local_endpoint().port();
    impl_->do_accept();
}

uint16_t Server::port() const
{
    return impl_->bound_port;
}

void Server::stop()
{
    impl_->stopping = true;
    asio::post(impl_->acceptor.get_executor(), [impl = impl_]() {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
        impl->backoff.cancel();
    });
    std::vector<std::shared_ptr<SessionBase>> live;
    {
        std::lock_guard lock(impl_->mu);
        for (auto& [id, w] : impl_->sessions)
            if (auto s = w.lock())
                live.push_back(std::move(s));
    }
    for (auto& s : live)
        s->close_if_idle();
}

std::size_t Server::connections() const
{
    return impl_->active;
}

}  // namespace procsentry::console::http
