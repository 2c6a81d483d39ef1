// SPDX-License-Identifier: GPL-2.0
#include "rules/path_match.hpp"

#include <fnmatch.h>

#include <cstring>

#include <vector>

namespace procsentry::rules {

namespace {

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// A NUL-terminated, writable copy; on the stack up to a typical path length.
class CString {
public:
    explicit CString(std::string_view s)
    {
        if (s.size() < sizeof small_) {
            std::memcpy(small_, s.data(), s.size());
            small_[s.size()] = '\0';
            ptr_ = small_;
        } else {
            big_.assign(s);
            ptr_ = big_.data();
        }
    }
    CString(const CString&) = delete;
    CString& operator=(const CString&) = delete;
    char* get() { return ptr_; }
    const char* get() const { return ptr_; }

private:
    char small_[512];
    std::string big_;
    char* ptr_;
};

}  // namespace

std::string normalize_path(std::string_view p)
{
    if (p.empty())
        return {};
    const bool absolute = p.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    while (pos <= p.size()) {
        std::size_t end = p.find('/', pos);
        if (end == std::string_view::npos)
            end = p.size();
        const std::string_view c = p.substr(pos, end - pos);
        pos = end + 1;
        if (c.empty() || c == ".")
            continue;
        if (c == "..") {
            if (!parts.empty() && parts.back() != "..")
                parts.pop_back();
            else if (!absolute)
                parts.push_back(c);  // a relative path keeps what it cannot resolve
            continue;                // "/.." is "/"
        }
        parts.push_back(c);
    }
    std::string out;
    out.reserve(p.size());
    for (const auto& c : parts) {
        if (absolute || !out.empty())
            out += '/';
        out += c;
    }
    if (out.empty())
        out = absolute ? "/" : ".";
    return out;
}

bool is_normalized_path(std::string_view p)
{
    if (p.empty())
        return true;
    if (p == "/" || p == ".")
        return true;
    if (p.back() == '/')
        return false;
    const bool absolute = p.front() == '/';
    bool real_seen = false;  // a relative path may start with "..", not hold one later
    std::size_t pos = absolute ? 1 : 0;
    while (pos <= p.size()) {
        std::size_t end = p.find('/', pos);
        if (end == std::string_view::npos)
            end = p.size();
        const std::string_view c = p.substr(pos, end - pos);
        pos = end + 1;
        if (c.empty() || c == ".")
            return false;
        if (c == "..") {
            if (absolute || real_seen)
                return false;
        } else {
            real_seen = true;
        }
    }
    return true;
}

bool path_under(std::string_view path, std::string_view dir)
{
    if (path.empty() || dir.empty() || path.front() != '/' || dir.front() != '/')
        return false;
    if (has_nul(path) || has_nul(dir) || !is_normalized_path(path) || !is_normalized_path(dir))
        return false;
    if (dir == "/")
        return true;
    if (path.size() < dir.size() || path.compare(0, dir.size(), dir) != 0)
        return false;
    return path.size() == dir.size() || path[dir.size()] == '/';
}

std::string_view path_basename(std::string_view path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

namespace {

bool glob_match_one(std::string_view pattern, std::string_view path);

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path)
{
    if (pattern.empty() || path.empty() || has_nul(pattern) || has_nul(path))
        return false;
    if (is_normalized_path(path))
        return glob_match_one(pattern, path);
    // A path not in normal form is not one the kernel resolved, or holds a
    // name chosen by the process (memfd_create("/../../usr/bin/x") gives
    // "/memfd:/../../usr/bin/x (deleted)"): it matches as written or once
    // normalised, so that neither form hides it from a match filter.
    return glob_match_one(pattern, path) || glob_match_one(pattern, normalize_path(path));
}

namespace {

bool glob_match_one(std::string_view pattern, std::string_view path)
{
    // fnmatch wants C strings: copy into stack buffers, so that the hot path
    // (the rule engine, once per glob and event) does not allocate.
    CString p(path);
    const bool below = pattern.ends_with("/**");
    const CString pat(below ? pattern.substr(0, pattern.size() - 3) : pattern);
    if (!below)
        return fnmatch(pat.get(), p.get(), FNM_PATHNAME) == 0;
    // "dir/**": some proper ancestor of the path matches "dir" (any depth).
    if (path.front() != '/' || path == "/")
        return false;
    if (pattern.size() == 3)
        return true;  // "/**"
    char* buf = p.get();
    for (std::size_t i = path.find('/', 1); i != std::string_view::npos; i = path.find('/', i + 1)) {
        buf[i] = '\0';
        const bool hit = fnmatch(pat.get(), buf, FNM_PATHNAME) == 0;
        buf[i] = '/';
        if (hit)
            return true;
    }
    return false;
}

}  // namespace

}  // namespace procsentry::rules
