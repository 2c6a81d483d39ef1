// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace procsentry::test {

// A unique directory under $TMPDIR (or /tmp), removed with its content at
// scope exit; helpers build fake /proc, cgroup and passwd trees in it.
class TempDir {
public:
    TempDir()
    {
        const char* dir = std::getenv("TMPDIR");
        std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/procsentry-test-XXXXXX";
        if (!mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string sub(const std::string& rel) const { return file(rel); }

    // Writes rel (creating parent directories) with exactly these bytes.
    void write(const std::string& rel, const std::string& bytes) const
    {
        const std::filesystem::path p = sub(rel);
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw std::runtime_error("cannot write " + p.string());
    }
    void mkdirs(const std::string& rel) const { std::filesystem::create_directories(sub(rel)); }
    void symlink(const std::string& target, const std::string& rel) const
    {
        std::filesystem::create_directories(std::filesystem::path(sub(rel)).parent_path());
        std::filesystem::create_symlink(target, sub(rel));
    }

private:
    std::string path_;
};

}  // namespace procsentry::test
