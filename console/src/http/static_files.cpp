// SPDX-License-Identifier: GPL-2.0
#include "http/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "http/router.hpp"

namespace procsentry::console::http {
namespace {

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { if (fd_ >= 0) ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept
    {
        if (this != &o) {
            if (fd_ >= 0)
                ::close(fd_);
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    int get() const { return fd_; }

private:
    int fd_;
};

bool ends_with(const std::string& s, const char* suffix)
{
    std::string x(suffix);
    return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

Response not_found()
{
    return Response::text(404, "not found\n");
}

}  // namespace

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

std::string StaticFiles::relative_path(const std::string& url_path)
{
    if (url_path == "/" || url_path == "/ui" || url_path == "/ui/")
        return "index.html";
    if (url_path.rfind("/ui/", 0) != 0)
        return "";
    std::string rel = url_path.substr(4);
    if (rel.empty() || rel.size() > 1024)
        return "";
    for (const std::string& part : Router::split("/" + rel)) {
        // Dot names cover "." and ".." and hidden files; backslashes and control bytes have no
        // business in a UI file name.
        if (part.empty() || part[0] == '.')
            return "";
        for (unsigned char c : part)
            if (c < 0x20 || c == 0x7f || c == '\\')
                return "";
    }
    return rel;
}

std::string StaticFiles::content_type(const std::string& name)
{
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
    };
    for (const auto& [ext, type] : kTypes)
        if (ends_with(name, ext))
            return type;
    return "application/octet-stream";
}

Response StaticFiles::serve(const Request& req) const
{
    if (req.method != "GET" && req.method != "HEAD") {
        Response r = Response::text(405, "method not allowed\n");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    const std::string rel = relative_path(req.path);
    if (rel.empty() || root_.empty())
        return not_found();
    Fd dir(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0)
        return not_found();
    std::vector<std::string> parts = Router::split("/" + rel);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        Fd next(::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (next.get() < 0)
            return not_found();
        dir = std::move(next);
    }
    Fd file(::openat(dir.get(), parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (file.get() < 0)
        return not_found();
    struct stat st {};
    if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > kMaxFileBytes)
        return not_found();
    std::string body;
    body.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < body.size()) {
        ssize_t n = ::read(file.get(), body.data() + got, body.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    body.resize(got);
    Response r;
    r.status = 200;
    r.content_type = content_type(parts.back());
    // index.html names the hashed assets; it must be revalidated, the rest may be cached briefly.
    r.headers.emplace_back("Cache-Control", rel == "index.html" ? "no-cache" : "max-age=300");
    r.body = std::move(body);  // the server sends only the length for HEAD
    return r;
}

}  // namespace procsentry::console::http
