// SPDX-License-Identifier: GPL-2.0
// Receivers for the syslog tests (a unix datagram socket and a TCP
// listener with RFC 6587 octet counting) and an RFC 5424 parser.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace procsentry::test {

struct Rfc5424 {
    int pri = -1;
    int version = -1;
    std::string timestamp, hostname, app, procid, msgid, sd_id;
    std::map<std::string, std::string> params;  // unescaped
    std::string msg;
};

// Strict enough to catch framing mistakes: every field, one SD element.
inline std::optional<Rfc5424> parse_rfc5424(const std::string& s)
{
    Rfc5424 f;
    std::size_t pos = 0;
    auto token = [&](std::string& out) {
        const auto sp = s.find(' ', pos);
        if (sp == std::string::npos || sp == pos)
            return false;
        out = s.substr(pos, sp - pos);
        pos = sp + 1;
        return true;
    };
    if (s.empty() || s[0] != '<')
        return std::nullopt;
    const auto gt = s.find('>');
    if (gt == std::string::npos || gt < 2 || gt > 4)
        return std::nullopt;
    f.pri = std::stoi(s.substr(1, gt - 1));
    pos = gt + 1;
    std::string v;
    if (!token(v) || !token(f.timestamp) || !token(f.hostname) || !token(f.app) || !token(f.procid) ||
        !token(f.msgid))
        return std::nullopt;
    f.version = std::stoi(v);
    if (pos >= s.size() || s[pos] != '[')
        return std::nullopt;
    ++pos;
    while (pos < s.size() && s[pos] != ' ' && s[pos] != ']')
        f.sd_id.push_back(s[pos++]);
    while (pos < s.size() && s[pos] == ' ') {
        ++pos;
        const auto eq = s.find("=\"", pos);
        if (eq == std::string::npos)
            return std::nullopt;
        const std::string name = s.substr(pos, eq - pos);
        pos = eq + 2;
        std::string value;
        for (;; ++pos) {
            if (pos >= s.size())
                return std::nullopt;
            if (s[pos] == '"')
                break;
            if (s[pos] == ']')
                return std::nullopt;  // must have been escaped
            if (s[pos] == '\\' && pos + 1 < s.size() &&
                (s[pos + 1] == '"' || s[pos + 1] == '\\' || s[pos + 1] == ']'))
                ++pos;
            value.push_back(s[pos]);
        }
        ++pos;
        f.params[name] = value;
    }
    if (pos >= s.size() || s[pos] != ']')
        return std::nullopt;
    ++pos;
    if (pos < s.size()) {
        if (s[pos] != ' ')
            return std::nullopt;
        f.msg = s.substr(pos + 1);
    }
    return f;
}

class UnixDgramReceiver {
public:
    explicit UnixDgramReceiver(const std::string& path) : path_(path)
    {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        unlink(path.c_str());
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
            throw std::runtime_error("bind " + path);
    }
    ~UnixDgramReceiver()
    {
        close(fd_);
        unlink(path_.c_str());
    }
    std::optional<std::string> recv(std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
            return std::nullopt;
        std::string buf(1 << 20, '\0');
        const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
        if (n < 0)
            return std::nullopt;
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }

private:
    std::string path_;
    int fd_ = -1;
};

// Accepts connections on 127.0.0.1 and splits what arrives into
// octet-counted frames; a malformed frame sets framing_error().
class TcpReceiver {
public:
    explicit TcpReceiver(uint16_t port = 0)
    {
        lfd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(lfd_, 8) < 0)
            throw std::runtime_error("bind/listen 127.0.0.1:" + std::to_string(port) + ": " + strerror(errno));
        socklen_t len = sizeof a;
        getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~TcpReceiver() { stop(); }

    uint16_t port() const { return port_; }
    // Closes the listener and every connection, as a receiver that died.
    void stop()
    {
        if (!thread_.joinable())
            return;
        stop_ = true;
        thread_.join();
        for (const auto& c : conns_)
            close(c.fd);
        conns_.clear();
        close(lfd_);
    }
    std::vector<std::string> messages() const
    {
        std::lock_guard lk(mu_);
        return messages_;
    }
    int accepted() const { return accepted_.load(); }
    bool framing_error() const { return framing_error_.load(); }

private:
    struct Conn {
        int fd;
        std::string buf;
    };

    void run()
    {
        while (!stop_) {
            std::vector<pollfd> p{{lfd_, POLLIN, 0}};
            for (const auto& c : conns_)
                p.push_back({c.fd, POLLIN, 0});
            if (poll(p.data(), p.size(), 20) <= 0)
                continue;
            if (p[0].revents & POLLIN) {
                const int fd = accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) {
                    conns_.push_back({fd, {}});
                    ++accepted_;
                }
            }
            for (std::size_t i = 1; i < p.size(); ++i) {
                if (!(p[i].revents & (POLLIN | POLLHUP)))
                    continue;
                Conn& c = conns_[i - 1];
                char buf[4096];
                const ssize_t n = read(c.fd, buf, sizeof buf);
                if (n <= 0) {  // closed by the sender
                    close(c.fd);
                    c.fd = -1;
                    continue;
                }
                c.buf.append(buf, static_cast<std::size_t>(n));
                split(c.buf);
            }
            std::erase_if(conns_, [](const Conn& c) { return c.fd < 0; });
        }
    }

    void split(std::string& b)
    {
        for (;;) {
            const auto sp = b.find(' ');
            if (sp == std::string::npos)
                return;
            if (sp == 0 || sp > 9)
                framing_error_ = true;
            for (std::size_t i = 0; i < sp; ++i)
                if (b[i] < '0' || b[i] > '9')
                    framing_error_ = true;
            if (framing_error_)
                return;
            const std::size_t len = std::stoul(b.substr(0, sp));
            if (b.size() < sp + 1 + len)
                return;
            std::lock_guard lk(mu_);
            messages_.push_back(b.substr(sp + 1, len));
            b.erase(0, sp + 1 + len);
        }
    }

    int lfd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::atomic<bool> framing_error_{false};
    std::vector<Conn> conns_;  // receiver thread only until stop()
    mutable std::mutex mu_;
    std::vector<std::string> messages_;
    std::thread thread_;
};

}  // namespace procsentry::test
