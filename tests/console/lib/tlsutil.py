# SPDX-License-Identifier: GPL-2.0
"""A throwaway test CA and the console's server certificate, made with the openssl CLI."""
import os
import ssl
import subprocess


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


class TestCA:
    """ca.pem/ca.key and console.crt/console.key (SAN: localhost, 127.0.0.1, ::1) in ``d``."""

    def __init__(self, d, names=("localhost",), ips=("127.0.0.1", "::1")):
        self.dir = d
        os.makedirs(d, exist_ok=True)
        self.ca_file = os.path.join(d, "ca.pem")
        self.cert_file = os.path.join(d, "console.crt")
        self.key_file = os.path.join(d, "console.key")
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                 "-subj", "/CN=procsentry test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
        san = ",".join(["DNS:" + n for n in names] + ["IP:" + i for i in ips])
        with open(os.path.join(d, "ext.cnf"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % san)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", "console.key", "-out", "console.csr", "-subj", "/CN=localhost", cwd=d)
        _openssl("x509", "-req", "-in", "console.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", "console.crt", "-days", "2", "-extfile", "ext.cnf",
                 cwd=d)
        os.chmod(self.key_file, 0o600)

    def client_context(self):
        ctx = ssl.create_default_context(cafile=self.ca_file)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx
