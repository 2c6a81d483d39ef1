// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace procsentry::test {

// A unique file under $TMPDIR (or /tmp), removed at scope exit.
class TempFile {
public:
    TempFile()
    {
        const char* dir = getenv("TMPDIR");
        path_ = std::string(dir && *dir ? dir : "/tmp") + "/procsentry-test-XXXXXX";
        const int fd = mkstemp(path_.data());
        if (fd < 0)
            throw std::runtime_error("mkstemp failed");
        close(fd);
    }
    ~TempFile() { unlink(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return path_; }

    std::vector<uint8_t> bytes() const
    {
        std::ifstream in(path_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    void write(const std::vector<uint8_t>& b) const
    {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    }

private:
    std::string path_;
};

}  // namespace procsentry::test
