// SPDX-License-Identifier: GPL-2.0
#include "source/replay_source.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "source/replay_format.hpp"
#include "source/source_error.hpp"

namespace procsentry::source {

namespace {

uint32_t get_le32(const uint8_t* p)
{
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

ReplaySource ReplaySource::from_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw SourceError(SourceError::Kind::io, "cannot open replay file '" + path + "': " + std::strerror(errno));
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw SourceError(SourceError::Kind::io, "cannot read replay file '" + path + "'");
    return ReplaySource(std::move(bytes), path);
}

ReplaySource::ReplaySource(std::vector<uint8_t> bytes, std::string name)
    : bytes_(std::move(bytes)), name_(std::move(name))
{
}

RecordSource::Status ReplaySource::read(Message& out, std::chrono::milliseconds /*timeout*/)
{
    if (pos_ == bytes_.size())
        return Status::end;
    const std::size_t left = bytes_.size() - pos_;
    if (left < kFrameHeader)
        throw SourceError(SourceError::Kind::io, name_ + ": truncated frame header at offset " + std::to_string(pos_));
    const uint32_t cpu = get_le32(bytes_.data() + pos_);
    const uint32_t len = get_le32(bytes_.data() + pos_ + 4);
    if (len > kMaxFrame)
        throw SourceError(SourceError::Kind::io, name_ + ": frame of " + std::to_string(len) +
                                                     " bytes at offset " + std::to_string(pos_) + " is too large");
    if (left - kFrameHeader < len)
        throw SourceError(SourceError::Kind::io, name_ + ": truncated frame at offset " + std::to_string(pos_));
    const auto* begin = bytes_.data() + pos_ + kFrameHeader;
    out.cpu = cpu;
    out.records.assign(begin, begin + len);
    pos_ += kFrameHeader + len;
    ++counters_.messages;
    return Status::message;
}

}  // namespace procsentry::source
