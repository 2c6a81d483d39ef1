// SPDX-License-Identifier: GPL-2.0
#include "auth/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

#include "auth/base64.hpp"

namespace procsentry::console::auth {

std::string Tokens::random_base64url(std::size_t bytes)
{
    std::vector<unsigned char> buf(bytes);
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return Base64::encode(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()), true);
}

std::string Tokens::generate(std::string_view prefix)
{
    return std::string(prefix) + random_base64url(32);
}

std::string Tokens::sha256_hex(std::string_view data)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(2 * sizeof md);
    for (unsigned char c : md) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

bool Tokens::equal(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace procsentry::console::auth
