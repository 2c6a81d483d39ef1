// SPDX-License-Identifier: GPL-2.0
#include "http/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

#include <boost/asio/ssl/context.hpp>

namespace procsentry::console::http {

namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_reason()
{
    unsigned long e = ERR_get_error();
    if (e == 0)
        return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

}  // namespace

TlsContext::TlsContext(std::string cert_file, std::string key_file)
    : cert_(std::move(cert_file)), key_(std::move(key_file)), ctx_(load(cert_, key_))
{
}

TlsContext::~TlsContext() = default;

std::shared_ptr<ssl::context> TlsContext::load(const std::string& cert, const std::string& key)
{
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(ctx->native_handle(), cert.c_str()) != 1)
        throw std::runtime_error("tls.cert_file \"" + cert + "\": " + openssl_reason());
    if (SSL_CTX_use_PrivateKey_file(ctx->native_handle(), key.c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("tls.key_file \"" + key + "\": " + openssl_reason());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
        throw std::runtime_error("tls.key_file \"" + key + "\" does not match tls.cert_file \"" + cert + "\": " +
                                 openssl_reason());
    return ctx;
}

void TlsContext::reload()
{
    auto fresh = load(cert_, key_);
    std::lock_guard lock(mu_);
    ctx_ = std::move(fresh);
}

std::shared_ptr<ssl::context> TlsContext::current() const
{
    std::lock_guard lock(mu_);
    return ctx_;
}

}  // namespace procsentry::console::http
