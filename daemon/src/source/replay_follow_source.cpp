// SPDX-License-Identifier: GPL-2.0
#include "source/replay_follow_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "source/replay_format.hpp"
#include "source/source_error.hpp"

namespace procsentry::source {

namespace {

// Read at most this much per call: one poll must not stall the loop on a
// large file, and what is read waits in memory only until it is returned.
constexpr std::size_t kReadChunk = 1u << 20;

uint32_t get_le32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

ReplayFollowSource::ReplayFollowSource(std::string path) : path_(std::move(path)) {}

ReplayFollowSource::~ReplayFollowSource()
{
    if (fd_ >= 0)
        ::close(fd_);
}

bool ReplayFollowSource::try_open()
{
    if (fd_ >= 0)
        return true;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd_ >= 0)
        return true;
    if (errno == ENOENT)
        return false;  // not written yet: wait for it
    throw SourceError(SourceError::Kind::io, "cannot open replay file '" + path_ + "': " + std::strerror(errno));
}

std::size_t ReplayFollowSource::fill()
{
    // Drop what was returned before growing the buffer.
    if (pos_ > 0) {
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
        pos_ = 0;
    }
    const std::size_t old = buf_.size();
    buf_.resize(old + kReadChunk);
    ssize_t n;
    do
        n = ::read(fd_, buf_.data() + old, kReadChunk);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        const int e = errno;
        buf_.resize(old);
        if (e == EAGAIN)
            return 0;
        throw SourceError(SourceError::Kind::io, "cannot read replay file '" + path_ + "': " + std::strerror(e));
    }
    buf_.resize(old + static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
}

RecordSource::Status ReplayFollowSource::read(Message& out, std::chrono::milliseconds /*timeout*/)
{
    if (!try_open())
        return Status::timeout;
    // Reads more only while the next frame is incomplete, and stops at the
    // current end of the file.
    for (;;) {
        const std::size_t left = buf_.size() - pos_;
        if (left >= kFrameHeader) {
            const uint32_t cpu = get_le32(buf_.data() + pos_);
            const uint32_t len = get_le32(buf_.data() + pos_ + 4);
            if (len > kMaxFrame)
                throw SourceError(SourceError::Kind::io, path_ + ": frame of " + std::to_string(len) +
                                                             " bytes at offset " + std::to_string(offset_) +
                                                             " is too large");
            if (left - kFrameHeader >= len) {
                const auto* begin = buf_.data() + pos_ + kFrameHeader;
                out.cpu = cpu;
                out.records.assign(begin, begin + len);
                pos_ += kFrameHeader + len;
                offset_ += kFrameHeader + len;
                ++counters_.messages;
                return Status::message;
            }
        }
        if (fill() == 0) {
            // Like tail -f: a file now shorter than what was read from it was
            // truncated (a new recording in place); read it from its start.
            struct stat st {};
            const uint64_t read_so_far = offset_ + (buf_.size() - pos_);
            if (::fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) < read_so_far &&
                ::lseek(fd_, 0, SEEK_SET) == 0) {
                buf_.clear();
                pos_ = 0;
                offset_ = 0;
                continue;
            }
            return Status::timeout;  // at the end, or inside a frame still being written
        }
    }
}

}  // namespace procsentry::source
