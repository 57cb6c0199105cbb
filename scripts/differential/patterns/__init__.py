"""The patterns per dialect: every module here names its ``PATTERNS``."""

from __future__ import annotations

from ..model import Pattern
from . import apache, haproxy, nginx

PATTERNS: dict[str, tuple[Pattern, ...]] = {
    "nginx": nginx.PATTERNS,
    "apache": apache.PATTERNS,
    "haproxy": haproxy.PATTERNS,
}
