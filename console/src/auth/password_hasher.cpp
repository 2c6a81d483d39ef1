// SPDX-License-Identifier: GPL-2.0
#include "auth/password_hasher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>
#include <vector>

#include "auth/base64.hpp"

namespace procsentry::console::auth {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
constexpr uint64_t kMaxMem = 256ull << 20;

bool derive(std::string_view password, std::string_view salt, int log_n, int r, int p, unsigned char* out)
{
    return EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                          salt.size(), uint64_t(1) << log_n, uint64_t(r), uint64_t(p), kMaxMem, out, kKeyBytes) == 1;
}

bool parse_int(std::string_view s, std::string_view prefix, int& out)
{
    if (s.substr(0, prefix.size()) != prefix)
        return false;
    s.remove_prefix(prefix.size());
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        std::size_t pos = s.find(sep, start);
        out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos)
            return out;
        start = pos + 1;
    }
}

}  // namespace

PasswordHasher::PasswordHasher(int log_n) : log_n_(log_n)
{
    if (log_n < 4 || log_n > 20)
        throw std::invalid_argument("scrypt log2(N) out of range");
    unsigned char random[24];
    if (RAND_bytes(random, sizeof random) != 1)
        throw std::runtime_error("RAND_bytes failed");
    dummy_ = hash(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

std::string PasswordHasher::hash(std::string_view password) const
{
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, sizeof salt) != 1)
        throw std::runtime_error("RAND_bytes failed");
    unsigned char key[kKeyBytes];
    std::string_view salt_view(reinterpret_cast<const char*>(salt), sizeof salt);
    if (!derive(password, salt_view, log_n_, 8, 1, key))
        throw std::runtime_error("EVP_PBE_scrypt failed");
    return "$scrypt$ln=" + std::to_string(log_n_) + ",r=8,p=1$" + Base64::encode(salt_view, false) + "$" +
           Base64::encode(std::string_view(reinterpret_cast<const char*>(key), sizeof key), false);
}

bool PasswordHasher::verify(std::string_view password, std::string_view phc)
{
    // "", "scrypt", "ln=15,r=8,p=1", salt, hash
    auto parts = split(phc, '$');
    if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt")
        return false;
    auto params = split(parts[2], ',');
    int log_n = 0, r = 0, p = 0;
    if (params.size() != 3 || !parse_int(params[0], "ln=", log_n) || !parse_int(params[1], "r=", r) ||
        !parse_int(params[2], "p=", p))
        return false;
    if (log_n < 4 || log_n > 20 || r < 1 || r > 16 || p < 1 || p > 4)
        return false;
    auto salt = Base64::decode(parts[3]);
    auto expected = Base64::decode(parts[4]);
    if (!salt || !expected || salt->size() < 8 || salt->size() > 64 || expected->size() != kKeyBytes)
        return false;
    unsigned char key[kKeyBytes];
    if (!derive(password, *salt, log_n, r, p, key))
        return false;
    return CRYPTO_memcmp(key, expected->data(), kKeyBytes) == 0;
}

}  // namespace procsentry::console::auth
