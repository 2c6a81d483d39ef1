// SPDX-License-Identifier: GPL-2.0
// The server's TLS context (TLS 1.2 or newer), loaded from the configured certificate chain and
// key.  reload() (SIGHUP) builds a new context and swaps it in only when it loads; connections
// already open keep the one they started with.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace procsentry::console::http {

class TlsContext {
public:
    // Throws std::runtime_error naming the file and OpenSSL's reason.
    TlsContext(std::string cert_file, std::string key_file);
    ~TlsContext();
    void reload();
    std::shared_ptr<boost::asio::ssl::context> current() const;
    const std::string& cert_file() const { return cert_; }

private:
    static std::shared_ptr<boost::asio::ssl::context> load(const std::string& cert, const std::string& key);

    std::string cert_;
    std::string key_;
    mutable std::mutex mu_;
    std::shared_ptr<boost::asio::ssl::context> ctx_;
};

}  // namespace procsentry::console::http
