// SPDX-License-Identifier: GPL-2.0
#include "control/control_server.hpp"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cstdio>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "control/command_dispatcher.hpp"
#include "control/control_session.hpp"
#include "control/peer_credentials.hpp"

namespace procsentry::control {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

struct ControlServer::Impl : std::enable_shared_from_this<ControlServer::Impl> {
    Impl(asio::io_context& io, std::string path, ControlHandler& handler, Limits limits)
        : io(io), acceptor(io), path(std::move(path)), dispatcher(handler), limits(limits)
    {
    }

    void open();
    void accept_next();
    void on_accept(const boost::system::error_code& ec, stream::socket socket);
    void shutdown();

    asio::io_context& io;
    stream::acceptor acceptor;
    std::string path;
    CommandDispatcher dispatcher;
    Limits limits;
    std::unordered_map<ControlSession*, std::shared_ptr<ControlSession>> sessions;
    uint64_t dropped_closed = 0;  // drops of tail clients already gone
    bool listening = false;
};

namespace {

[[noreturn]] void fail(int err, const std::string& what)
{
    throw std::system_error(err, std::generic_category(), what);
}

// Is a daemon answering at path?  A refused connect means the socket is
// stale.  Non-blocking: a listener with a full backlog (EAGAIN) is live too,
// and must not hang our start.
bool socket_is_live(const std::string& path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    path.copy(sa.sun_path, sizeof(sa.sun_path) - 1);
    const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) == 0 || errno == EAGAIN;
    ::close(fd);
    return live;
}

}  // namespace

void ControlServer::Impl::open()
{
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path))
        fail(ENAMETOOLONG, "control socket " + path + ": path empty or longer than " +
                               std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    struct stat st{};
    if (::stat(dir.c_str(), &st) != 0)
        fail(errno, "control socket " + path + ": directory " + dir);
    if (!S_ISDIR(st.st_mode))
        fail(ENOTDIR, "control socket " + path + ": " + dir);
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            fail(EEXIST, "control socket " + path + ": exists and is not a socket, not removing it");
        if (socket_is_live(path))
            fail(EADDRINUSE, "control socket " + path + ": another procsentryd answers there");
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            fail(errno, "control socket " + path + ": removing the stale socket");
    } else if (errno != ENOENT) {
        fail(errno, "control socket " + path);
    }

    boost::system::error_code ec;
    acceptor.open(stream(), ec);
    if (ec)
        fail(ec.value(), "control socket " + path + ": socket()");
    // Linux creates the socket file with the mode of the socket inode minus
    // the umask: setting it before bind() leaves no moment in which the file
    // exists with a wider mode, without touching the process-wide umask.
    if (::fchmod(acceptor.native_handle(), 0600) != 0)
        fail(errno, "control socket " + path + ": fchmod 0600");
    acceptor.bind(stream::endpoint(path), ec);
    if (ec)
        fail(ec.value(), "control socket " + path + ": bind");
    // Belt and braces for kernels or file systems that ignore the above.
    if (::chmod(path.c_str(), 0600) != 0)
        fail(errno, "control socket " + path + ": chmod 0600");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        fail(ec.value(), "control socket " + path + ": listen");
    listening = true;
}

void ControlServer::Impl::accept_next()
{
    acceptor.async_accept([self = shared_from_this()](const boost::system::error_code& ec, stream::socket s) {
        self->on_accept(ec, std::move(s));
    });
}

void ControlServer::Impl::on_accept(const boost::system::error_code& ec, stream::socket socket)
{
    if (!listening || ec == asio::error::operation_aborted)
        return;
    if (ec) {
        // EMFILE and friends: keep serving the clients already connected.
        std::fprintf(stderr, "<4>procsentryd: control socket %s: accept: %s\n", path.c_str(),
                     ec.message().c_str());
        accept_next();
        return;
    }
    // Asked before anything is read: the kernel recorded who connect()ed.
    const PeerCredentials peer = PeerCredentials::of(socket.native_handle());
    std::weak_ptr<Impl> weak = weak_from_this();
    auto session = std::make_shared<ControlSession>(
        std::move(socket), dispatcher, limits.max_line, limits.queue_lines, [weak](ControlSession* s) {
            if (auto impl = weak.lock()) {
                impl->dropped_closed += s->dropped_total();
                impl->sessions.erase(s);
            }
        });
    std::string refusal;
    if (!peer.valid) {
        refusal = CommandDispatcher::error_line("cannot identify the client (SO_PEERCRED failed)");
    } else if (peer.uid != 0) {
        std::fprintf(stderr, "<5>procsentryd: control socket %s: refused client pid %d uid %u (not root)\n",
                     path.c_str(), static_cast<int>(peer.pid), static_cast<unsigned>(peer.uid));
        refusal = CommandDispatcher::error_line("permission denied: procsentryctl must run as root");
    } else if (sessions.size() >= limits.max_clients) {
        std::fprintf(stderr, "<4>procsentryd: control socket %s: refused client pid %d: %zu clients already\n",
                     path.c_str(), static_cast<int>(peer.pid), sessions.size());
        refusal = CommandDispatcher::error_line("too many control clients (max " +
                                                std::to_string(limits.max_clients) + ")");
    }
    if (refusal.empty()) {
        sessions.emplace(session.get(), session);
        session->start();
    } else {
        // Not counted against the limit; it lives only until its one reply is written.
        session->refuse(refusal);
    }
    accept_next();
}

void ControlServer::Impl::shutdown()
{
    if (listening) {
        listening = false;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        ::unlink(path.c_str());
    }
    // close() erases from the map through the callback: iterate over a copy.
    auto all = sessions;
    for (auto& [ptr, s] : all)
        s->close();
    sessions.clear();
}

ControlServer::ControlServer(asio::io_context& io, std::string socket_path, ControlHandler& handler)
    : ControlServer(io, std::move(socket_path), handler, Limits{})
{
}

ControlServer::ControlServer(asio::io_context& io, std::string socket_path, ControlHandler& handler,
                             Limits limits)
    : impl_(std::make_shared<Impl>(io, std::move(socket_path), handler, limits))
{
}

ControlServer::~ControlServer()
{
    impl_->shutdown();
}

void ControlServer::start()
{
    impl_->open();
    impl_->accept_next();
}

void ControlServer::stop()
{
    asio::dispatch(impl_->io, [impl = impl_] { impl->shutdown(); });
}

void ControlServer::publish(const alert::SerializedPtr& a)
{
    if (!a)
        return;
    asio::dispatch(impl_->io, [impl = impl_, a] {
        auto all = impl->sessions;  // a failing write may close a session
        for (auto& [ptr, s] : all)
            s->publish(a->json);
    });
}

ControlServer::ClientStats ControlServer::client_stats() const
{
    ClientStats st;
    st.clients = impl_->sessions.size();
    st.tail_dropped = impl_->dropped_closed;
    for (const auto& [ptr, s] : impl_->sessions) {
        st.tail_clients += s->tailing() ? 1 : 0;
        st.queued_lines += s->queued_lines();
        st.tail_dropped += s->dropped_total();
    }
    return st;
}

}  // namespace procsentry::control
