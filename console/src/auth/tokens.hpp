// SPDX-License-Identifier: GPL-2.0
// Bearer secrets: 32 random bytes, base64url, behind a prefix that says what they are
// ("pst_" API token, "pse_" enrolment token, "psa_" agent token, "pss_" session cookie).  Only
// their SHA-256 is stored.
#pragma once

#include <string>
#include <string_view>

namespace procsentry::console::auth {

class Tokens {
public:
    static constexpr std::string_view kApi = "pst_";
    static constexpr std::string_view kEnrollment = "pse_";
    static constexpr std::string_view kAgent = "psa_";
    static constexpr std::string_view kSession = "pss_";
    // Longest token accepted from a client (a longer one cannot be ours).
    static constexpr std::size_t kMaxLength = 128;

    static std::string generate(std::string_view prefix);
    static std::string random_base64url(std::size_t bytes);
    static std::string sha256_hex(std::string_view data);
    static bool equal(std::string_view a, std::string_view b);  // constant time for equal lengths
};

}  // namespace procsentry::console::auth
