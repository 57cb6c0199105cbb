"""Test helpers: the FAS stand-in, certificates, loopback addresses, proxy runners."""
