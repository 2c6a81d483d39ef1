// SPDX-License-Identifier: GPL-2.0
#include "source/replay_writer.hpp"

#include <cerrno>
#include <cstring>

#include "source/replay_format.hpp"
#include "source/source_error.hpp"

namespace procsentry::source {

namespace {

void put_le32(uint8_t* p, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

ReplayWriter::ReplayWriter(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "wb"))
{
    if (!file_)
        throw SourceError(SourceError::Kind::io,
                          "cannot create record file '" + path + "': " + std::strerror(errno));
}

void ReplayWriter::write(const Message& m)
{
    if (m.records.size() > kMaxFrame)
        throw SourceError(SourceError::Kind::io, "message of " + std::to_string(m.records.size()) +
                                                     " bytes is too large to record");
    uint8_t hdr[kFrameHeader];
    put_le32(hdr, m.cpu);
    put_le32(hdr + 4, static_cast<uint32_t>(m.records.size()));
    if (std::fwrite(hdr, 1, sizeof hdr, file_.get()) != sizeof hdr ||
        (!m.records.empty() &&
         std::fwrite(m.records.data(), 1, m.records.size(), file_.get()) != m.records.size()))
        throw SourceError(SourceError::Kind::io, "write to '" + path_ + "' failed: " + std::strerror(errno));
}

void ReplayWriter::flush()
{
    if (std::fflush(file_.get()) != 0)
        throw SourceError(SourceError::Kind::io, "write to '" + path_ + "' failed: " + std::strerror(errno));
}

}  // namespace procsentry::source
