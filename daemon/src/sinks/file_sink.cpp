// SPDX-License-Identifier: GPL-2.0
#include "sinks/file_sink.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>

#include "sinks/fd_write.hpp"

namespace procsentry::sinks {

namespace {

// mkdir -p for the directory part of path; existing directories keep their mode.
std::string make_parent_dirs(const std::string& path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0)
        return "";
    const std::string dir = path.substr(0, slash);
    for (std::size_t pos = 0; pos != std::string::npos;) {
        pos = dir.find('/', pos + 1);
        const std::string part = dir.substr(0, pos);
        if (mkdir(part.c_str(), 0750) < 0 && errno != EEXIST)
            return errno_text("mkdir " + part, errno);
    }
    return "";
}

std::string rotated_name(const std::string& path, uint32_t n)
{
    return path + "." + std::to_string(n);
}

}  // namespace

FileSink::FileSink(std::string name, Options opts, rules::FileSinkSpec spec)
    : QueuedSink(std::move(name), "file", opts), spec_(std::move(spec))
{
    if (spec_.path.empty())
        throw std::runtime_error("file sink '" + this->name() + "': file.path is empty");
    if (const std::string err = open_file(); !err.empty())
        throw std::runtime_error("file sink '" + this->name() + "': " + err);
}

FileSink::~FileSink()
{
    halt();
    (void)sync_if_dirty();
    close_file();
}

std::string FileSink::open_file()
{
    if (std::string err = make_parent_dirs(spec_.path); !err.empty())
        return err;
    // No symlink and nobody else's file: a user who planted either at the
    // path (a directory they can write to) would read or rewrite alerts,
    // or have root append to a file of their choosing.
    const int fd =
        open(spec_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);
    if (fd < 0)
        return errno_text("open " + spec_.path, errno);
    struct stat st {};
    if (fstat(fd, &st) < 0) {
        const int e = errno;
        close(fd);
        return errno_text("fstat " + spec_.path, e);
    }
    std::string refusal;
    if (!S_ISREG(st.st_mode))
        refusal = "open " + spec_.path + ": not a regular file";
    else if (st.st_uid != geteuid())
        refusal = "open " + spec_.path + ": owned by uid " + std::to_string(st.st_uid) + ", not by the daemon (uid " +
                  std::to_string(geteuid()) + ")";
    // Alerts name users, commands and arguments: never readable by every
    // user, whatever mode an older file had.
    else if ((st.st_mode & 0137) != 0 && fchmod(fd, st.st_mode & 0640) < 0)
        refusal = errno_text("fchmod 0640 " + spec_.path, errno);
    if (!refusal.empty()) {
        close(fd);
        return refusal;
    }
    fd_ = fd;
    size_ = static_cast<uint64_t>(st.st_size);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    dirty_ = false;
    writer_.reset();
    return "";
}

void FileSink::close_file()
{
    if (fd_ >= 0)
        close(fd_);
    fd_ = -1;
}

std::string FileSink::sync_if_dirty()
{
    if (fd_ < 0 || !dirty_)
        return "";
    dirty_ = false;
    if (fdatasync(fd_) < 0)
        return errno_text("fdatasync " + spec_.path, errno);
    return "";
}

std::string FileSink::reopen_if_moved()
{
    struct stat by_path {}, by_fd {};
    const bool gone = stat(spec_.path.c_str(), &by_path) < 0;
    if (fstat(fd_, &by_fd) < 0 || gone || by_path.st_dev != dev_ || by_path.st_ino != ino_ ||
        by_fd.st_nlink == 0) {
        (void)sync_if_dirty();
        close_file();
        return open_file();
    }
    // Someone may have truncated it (logrotate copytruncate) or appended.
    size_ = static_cast<uint64_t>(by_fd.st_size);
    return "";
}

std::string FileSink::rotate()
{
    std::string err = sync_if_dirty();
    close_file();
    if (spec_.keep == 0) {
        if (unlink(spec_.path.c_str()) < 0 && errno != ENOENT)
            return errno_text("unlink " + spec_.path, errno);
    } else {
        // rename() replaces the target, which deletes the oldest file.
        for (uint32_t i = spec_.keep - 1; i >= 1; --i) {
            const std::string from = rotated_name(spec_.path, i);
            const std::string to = rotated_name(spec_.path, i + 1);
            if (rename(from.c_str(), to.c_str()) < 0 && errno != ENOENT)
                return errno_text("rename " + from + " to " + to, errno);
        }
        const std::string to = rotated_name(spec_.path, 1);
        if (rename(spec_.path.c_str(), to.c_str()) < 0 && errno != ENOENT)
            return errno_text("rename " + spec_.path + " to " + to, errno);
    }
    std::string open_err = open_file();
    return open_err.empty() ? err : open_err;
}

QueuedSink::DeliverResult FileSink::deliver(std::vector<alert::SerializedPtr>& batch)
{
    if (const std::string err = fd_ < 0 ? open_file() : reopen_if_moved(); !err.empty())
        return DeliverResult::failed(0, err);

    std::size_t i = 0;
    bool fresh = false;  // just rotated: the next line goes in whatever the file holds
    while (i < batch.size()) {
        std::size_t j = i;
        uint64_t add = 0;
        while (j < batch.size()) {
            const uint64_t len = batch[j]->json.size() + 1;
            const bool must_fit = spec_.max_bytes > 0 && !(fresh && j == i) && size_ + add > 0;
            if (must_fit && size_ + add + len > spec_.max_bytes)
                break;
            add += len;
            ++j;
        }
        if (j == i) {
            if (const std::string err = rotate(); !err.empty())
                return DeliverResult::failed(i, err);
            fresh = true;
            continue;
        }
        fresh = false;
        const LineWriter::Result r = writer_.write(fd_, batch, i, j, nullptr);
        size_ += r.bytes;
        dirty_ = dirty_ || r.bytes > 0;
        i += r.lines;
        if (r.err != 0) {
            (void)sync_if_dirty();
            return DeliverResult::failed(i, errno_text("write " + spec_.path, r.err));
        }
    }
    // All written; a failed sync is reported but not retried (that would
    // duplicate lines that are in the page cache already).
    if (const std::string err = sync_if_dirty(); !err.empty())
        return DeliverResult::failed(batch.size(), err);
    return DeliverResult::ok(batch.size());
}

}  // namespace procsentry::sinks
