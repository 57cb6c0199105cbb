"""Loopback addresses of our own: all of 127/8 is on ``lo``, so each test (and each
engineer's test run on a shared machine) binds a random 127.x.y.z and keeps the real port
numbers (8080, 8443), which the linter's verdicts depend on."""

from __future__ import annotations

import random
import socket
import threading

_taken: set[str] = set()
_lock = threading.Lock()


def free_address(ports: tuple[int, ...] = (8080, 8443)) -> str:
    """A 127.x.y.z on which every port in ``ports`` can be bound right now."""
    rng = random.SystemRandom()
    for _ in range(200):
        addr = f"127.{rng.randint(64, 250)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}"
        with _lock:
            if addr in _taken:
                continue
            if all(_bindable(addr, p) for p in ports):
                _taken.add(addr)
                return addr
    raise RuntimeError("no free loopback address found")


def _bindable(addr: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((addr, port))
        except OSError:
            return False
    return True
