// SPDX-License-Identifier: GPL-2.0
#include "agent/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace procsentry::agent {

bool PrivateFile::write(const std::string& path, const std::string& text, std::string& error)
{
    const std::string tmp = path + ".tmp";
    ::unlink(tmp.c_str());  // O_EXCL below: never write through someone's symlink
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error = tmp + ": " + std::strerror(errno);
        return false;
    }
    std::size_t done = 0;
    bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
    while (ok && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        error = path + ": " + std::strerror(ok ? errno : saved);
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

bool PrivateFile::read(const std::string& path, std::size_t max_bytes, std::string& text, std::string& error)
{
    error.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno != ENOENT)
            error = path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    if (!ok)
        error = path + ": " + std::strerror(errno);
    else if (!S_ISREG(st.st_mode))
        error = path + ": not a regular file";
    else if (static_cast<std::size_t>(st.st_size) > max_bytes)
        error = path + ": larger than " + std::to_string(max_bytes) + " bytes";
    if (!error.empty()) {
        ::close(fd);
        return false;
    }
    text.assign(max_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = path + ": " + std::strerror(errno);
            break;
        }
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (error.empty() && got > max_bytes)
        error = path + ": larger than " + std::to_string(max_bytes) + " bytes";
    text.resize(std::min(got, max_bytes));
    return error.empty();
}

}  // namespace procsentry::agent
