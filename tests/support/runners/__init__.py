"""One runner per proxy dialect (see base.py); ``RUNNERS`` maps a samples/ directory name
to its runner."""

from __future__ import annotations

from .apache import ApacheRunner
from .base import Runner
from .haproxy import HaproxyRunner
from .nginx import NginxRunner

RUNNERS: dict[str, Runner] = {"nginx": NginxRunner(), "apache": ApacheRunner(), "haproxy": HaproxyRunner()}
