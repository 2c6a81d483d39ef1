// SPDX-License-Identifier: GPL-2.0
// Test client: raw bytes over a loopback TCP socket, so that tests can send what a real client
// never would (oversized headers, slow or truncated requests).  Every read has a deadline.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace procsentry::console::test {

class RawHttp {
public:
    explicit RawHttp(uint16_t port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~RawHttp()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    RawHttp(const RawHttp&) = delete;
    RawHttp& operator=(const RawHttp&) = delete;

    bool connected() const { return connected_; }

    bool send(const std::string& data)
    {
        std::size_t off = 0;
        while (off < data.size()) {
            ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }

    // Reads until the peer closes or one full response (by Content-Length) arrived, or the
    // deadline passes.  Returns what arrived.
    std::string read_response(std::chrono::milliseconds deadline = std::chrono::milliseconds(10000))
    {
        auto end = std::chrono::steady_clock::now() + deadline;
        while (true) {
            if (complete())
                break;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                break;
            char buf[65536];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            buf_.append(buf, static_cast<std::size_t>(n));
        }
        std::string out;
        std::size_t len = response_length();
        if (len == std::string::npos || len > buf_.size()) {
            out.swap(buf_);
        } else {
            out = buf_.substr(0, len);
            buf_.erase(0, len);
        }
        return out;
    }

    // True when the server closed the connection within the deadline.
    bool wait_closed(std::chrono::milliseconds deadline)
    {
        auto end = std::chrono::steady_clock::now() + deadline;
        while (!closed_) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return false;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0)
                closed_ = true;
        }
        return true;
    }

    static int status(const std::string& response)
    {
        if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0)
            return 0;
        return std::stoi(response.substr(9, 3));
    }

private:
    std::size_t response_length() const
    {
        std::size_t hdr_end = buf_.find("\r\n\r\n");
        if (hdr_end == std::string::npos)
            return std::string::npos;
        std::string head = buf_.substr(0, hdr_end);
        for (auto& c : head)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::size_t cl = head.find("\r\ncontent-length:");
        std::size_t body = 0;
        if (cl != std::string::npos)
            body = std::stoul(head.substr(cl + 17));
        return hdr_end + 4 + body;
    }
    bool complete() const
    {
        std::size_t len = response_length();
        return len != std::string::npos && buf_.size() >= len;
    }

    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
    std::string buf_;
};

}  // namespace procsentry::console::test
