"""wsproxylint: lint reverse-proxy configs in front of a CafeX FAS gateway."""

__version__ = "0.1.0"
