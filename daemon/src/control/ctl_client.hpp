// SPDX-License-Identifier: GPL-2.0
// procsentryctl's side of the control socket: plain blocking POSIX calls (it
// is a short-lived tool), each failure described with the path and errno text.
#pragma once

#include <string>

namespace procsentry::control {

class CtlClient {
public:
    enum class Status { ok, eof, timeout, error };

    CtlClient() = default;
    ~CtlClient();
    CtlClient(const CtlClient&) = delete;
    CtlClient& operator=(const CtlClient&) = delete;

    // False with error() set ("cannot connect to PATH: errno text (hint)").
    bool connect(const std::string& path);
    bool send_line(const std::string& line);
    // One line without its newline.  timeout_ms < 0 waits forever.  Lines
    // longer than max_line are an error (the daemon's replies are bounded).
    Status read_line(std::string& line, int timeout_ms, std::size_t max_line = 16 * 1024 * 1024);
    const std::string& error() const { return error_; }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    std::string path_;
    std::string buffer_;
    std::string error_;
};

}  // namespace procsentry::control
