"""pytest fixtures and skip policy shared by the handshake and verification tests.

Imported by the test modules that use them (no conftest.py, so nothing is imposed on the
other test modules)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .certs import (
    BACKEND_IPS,
    BACKEND_NAMES,
    FRONT_NAMES,
    Authority,
    Leaf,
    OpensslMissing,
    make_authority,
)
from .fas import FasStandIn
from .loopback import free_address


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def cannot_run(reason: str) -> None:
    """Skip because the machine lacks something; under CI=true that is a failure, since CI
    installs everything the verification needs (scripts/install-proxies.sh)."""
    if in_ci():
        pytest.fail(f"CI=true but the verification cannot run: {reason}")
    pytest.skip(reason)


class Pki:
    """One CA, the proxy's front certificate, and a FAS certificate per stand-in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ca: Authority = make_authority(root / "ca")
        self.front: Leaf = self.ca.issue(root / "front", "gw.example.com", FRONT_NAMES, ("127.0.0.1",))

    def backend(self, hosts: tuple[str, ...]) -> Leaf:
        name = "fas-" + "-".join(h.replace(".", "_") for h in hosts)
        return self.ca.issue(self.root / "backend", name, BACKEND_NAMES, BACKEND_IPS + hosts)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    if shutil.which("openssl") is None:
        cannot_run("the openssl command line tool is missing (Debian: apt-get install openssl)")
    try:
        return Pki(tmp_path_factory.mktemp("pki"))
    except OpensslMissing as e:  # pragma: no cover - raced with the which() above
        cannot_run(str(e))
        raise


def stand_in(pki: Pki, legacy: bool = False, hosts: int = 1) -> FasStandIn:
    addrs = tuple(free_address() for _ in range(hosts))
    leaf = pki.backend(addrs)
    return FasStandIn(addrs, leaf.cert, leaf.key, legacy=legacy)


@pytest.fixture
def fas(pki: Pki) -> Iterator[FasStandIn]:
    with stand_in(pki) as s:
        yield s


@pytest.fixture
def legacy_fas(pki: Pki) -> Iterator[FasStandIn]:
    with stand_in(pki, legacy=True) as s:
        yield s
