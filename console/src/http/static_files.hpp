// SPDX-License-Identifier: GPL-2.0
// Serves the web UI from ui_dir.  The path is walked one component at a time with
// openat(O_NOFOLLOW): no "..", no hidden names, no symbolic link anywhere below ui_dir, and only
// regular files are sent, so nothing outside ui_dir can be reached however the URL is spelt.
#pragma once

#include <cstddef>
#include <string>

#include "http/request.hpp"
#include "http/response.hpp"

namespace procsentry::console::http {

class StaticFiles {
public:
    static constexpr std::size_t kMaxFileBytes = 16u << 20;

    explicit StaticFiles(std::string root);

    // "/" is index.html; "/ui/<path>" a file below root.  404 for anything else.
    Response serve(const Request& req) const;
    // The relative file for a URL path, "" when the URL cannot name a file.
    static std::string relative_path(const std::string& url_path);
    static std::string content_type(const std::string& name);

private:
    std::string root_;
};

}  // namespace procsentry::console::http
