// SPDX-License-Identifier: GPL-2.0
// Throw-away certificates for the HTTPS tests, made with the openssl command
// at test time (nothing secret is committed).  Two CAs and two server
// certificates signed by the first: one for 127.0.0.1/localhost, one for a
// name the tests never connect to.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace procsentry::test {

struct TestCerts {
    std::string ca, other_ca, cert, key, wrong_name_cert, wrong_name_key;
};

// nullopt with `why` set when the openssl command is missing or failed.
inline std::optional<TestCerts> make_test_certs(const std::string& dir, std::string& why)
{
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
        why = "the openssl command is not installed; HTTPS tests need it to make certificates";
        return std::nullopt;
    }
    const std::string script =
        "set -e; cd '" + dir + "'\n"
        "key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out \"$1\"; }\n"
        "ca() { key $1.key; openssl req -x509 -new -key $1.key -out $1.pem -days 2 -subj /CN=$1"
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; }\n"
        "leaf() { key $1.key; openssl req -new -key $1.key -out $1.csr -subj /CN=$1;"
        " printf 'subjectAltName=%s\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' \"$2\" > $1.ext;"
        " openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $1.pem -days 2"
        " -extfile $1.ext; }\n"
        "ca ca; ca other_ca; leaf server IP:127.0.0.1,DNS:localhost; leaf wrong DNS:collector.invalid\n";
    // Through the environment: the script has quotes of its own.
    if (::setenv("PROCSENTRY_CERT_SCRIPT", script.c_str(), 1) != 0 ||
        std::system(("sh -c \"$PROCSENTRY_CERT_SCRIPT\" >'" + dir + "/openssl.log' 2>&1").c_str()) != 0) {
        why = "openssl failed to make test certificates; see " + dir + "/openssl.log";
        return std::nullopt;
    }
    return TestCerts{dir + "/ca.pem", dir + "/other_ca.pem", dir + "/server.pem", dir + "/server.key",
                     dir + "/wrong.pem", dir + "/wrong.key"};
}

}  // namespace procsentry::test
