// SPDX-License-Identifier: GPL-2.0
// Small files of the agent's state (credential, policy): written 0600
// through a temporary file, fsync and rename, so a crash leaves the old or
// the new content; read with a size bound, refusing anything but a regular
// file.
#pragma once

#include <cstddef>
#include <string>

namespace procsentry::agent {

class PrivateFile {
public:
    // false with error ("path: reason"); the old file stays on failure.
    static bool write(const std::string& path, const std::string& text, std::string& error);
    // false with error; a missing file is false with error empty.
    static bool read(const std::string& path, std::size_t max_bytes, std::string& text, std::string& error);
};

}  // namespace procsentry::agent
