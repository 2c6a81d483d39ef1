// SPDX-License-Identifier: GPL-2.0
// Operator passwords: scrypt (OpenSSL EVP_PBE_scrypt, N=2^15 r=8 p=1, 16-byte random salt,
// 32-byte key) in a PHC-like string "$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>".  Verification
// compares in constant time, and checking against dummy_hash() for an unknown user costs the
// same as a real check, so the answer time does not reveal which names exist.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::console::auth {

class PasswordHasher {
public:
    static constexpr int kDefaultLogN = 15;

    // log_n below 15 only for tests (it makes hashing fast).
    explicit PasswordHasher(int log_n = kDefaultLogN);
    std::string hash(std::string_view password) const;
    // False for a malformed string or parameters out of bounds (a tampered row must not make
    // a login allocate gigabytes).
    static bool verify(std::string_view password, std::string_view phc);
    // A valid hash of a random password with this hasher's cost.
    const std::string& dummy_hash() const { return dummy_; }

private:
    int log_n_;
    std::string dummy_;
};

}  // namespace procsentry::console::auth
