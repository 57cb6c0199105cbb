"""Test certificates made at test time with the ``openssl`` command line tool.

One CA signs both the proxy's front certificate (the names browsers use) and the FAS
stand-in's certificate (the names and addresses proxies dial), so a proxy that verifies its
backend and a client that verifies the proxy both have one file to trust.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FRONT_NAMES = ("gw.example.com", "*.example.com", "localhost")
# the backend names samples use (proxy_ssl_name, upstream names, hosts in URLs)
BACKEND_NAMES = ("fas.example.com", "fas1.example.com", "fas2.example.com", "*.example.com",
                 "fas.internal.example.com", "fas1.internal.example.com", "fas2.internal.example.com",
                 "*.internal.example.com", "fas1.corp.example.com", "*.corp.example.com", "fas", "fas_tls",
                 "localhost")
BACKEND_IPS = ("127.0.0.1", "10.20.0.11", "10.20.0.12")


class OpensslMissing(RuntimeError):
    pass


@dataclass(slots=True, frozen=True)
class Leaf:
    cert: Path
    key: Path
    pem: Path  # certificate chain and key in one file (HAProxy's `crt`)


@dataclass(slots=True, frozen=True)
class Authority:
    cert: Path
    key: Path

    def issue(self, directory: Path, name: str, dns: tuple[str, ...], ips: tuple[str, ...] = ()) -> Leaf:
        """A server certificate for ``dns`` names and ``ips``, signed by this CA."""
        directory.mkdir(parents=True, exist_ok=True)
        key, csr, cert, pem = (directory / f"{name}.{ext}" for ext in ("key", "csr", "crt", "pem"))
        san = ",".join([f"DNS:{d}" for d in dns] + [f"IP:{i}" for i in ips])
        ext = directory / f"{name}.ext"
        ext.write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\n"
                       "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
        _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", key, "-out", csr, "-subj", f"/CN={dns[0] if dns else name}")
        _openssl("x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self.key, "-set_serial", str(secrets.randbits(63)),
                 "-days", "2", "-sha256", "-extfile", ext, "-out", cert)
        pem.write_bytes(cert.read_bytes() + self.cert.read_bytes() + key.read_bytes())
        key.chmod(0o600)
        return Leaf(cert, key, pem)


def make_authority(directory: Path) -> Authority:
    if shutil.which("openssl") is None:
        raise OpensslMissing("the openssl command line tool is not installed (Debian: apt-get install openssl)")
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "ca.crt", directory / "ca.key"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=wsproxylint test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return Authority(cert, key)


def _openssl(*args: object) -> None:
    proc = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {proc.stderr.strip()[:500]}")
