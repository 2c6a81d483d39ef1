// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "source/record_source.hpp"

namespace procsentry::source {

// Appends messages to a file in the replay format (source/replay_format.hpp).
class ReplayWriter {
public:
    explicit ReplayWriter(const std::string& path);  // throws SourceError

    void write(const Message& m);  // throws SourceError
    void flush();

private:
    struct Closer {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::string path_;
    std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace procsentry::source
