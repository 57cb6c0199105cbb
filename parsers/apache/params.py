"""Which ``key=value`` parameters httpd 2.4 takes where: a worker's (``ProxyPass`` to a
host, ``BalancerMember``, ``ProxySet`` in ``<Proxy http://...>``) or a balancer's
(``ProxyPass`` to ``balancer://``, ``ProxySet`` in ``<Proxy balancer://...>``).

httpd refuses to start on a parameter of the other kind, and operators write them in the
wrong place often: ``disablereuse=On`` on the ``ProxyPass`` that names a balancer (it
belongs on each ``BalancerMember``), ``lbmethod=`` on a member. The tables are what httpd
2.4.71 accepted and refused under ``apache2 -t``; the messages are its own.
"""

from __future__ import annotations

from collections.abc import Iterable

WORKER = frozenset(
    {
        "min", "max", "smax", "acquire", "connectiontimeout", "disablereuse", "enablereuse",
        "flushpackets", "flushwait", "iobuffersize", "responsefieldsize", "keepalive", "lbset",
        "ping", "receivebuffersize", "redirect", "retry", "route", "status", "timeout", "ttl",
        "addressttl", "upgrade", "secret", "loadfactor",
    }
)  # fmt: skip
BALANCER = frozenset(
    {
        "lbmethod", "maxattempts", "nofailover", "stickysession", "stickysessionsep",
        "scolonpathdelim", "timeout", "failonstatus", "failontimeout", "nonce", "growth",
        "forcerecovery",
    }
)  # fmt: skip
# ProxyPass's own, before the worker sees the rest (a balancer's ProxyPass takes them too)
PROXYPASS_KEYS = frozenset({"mapping"})
PROXYPASS_FLAGS = frozenset({"nocanon", "interpolate", "noquery"})
# mod_proxy_hcheck registers these worker parameters when it is loaded
HEALTH_CHECK = "proxy_hcheck_module"
# values httpd checks itself, with its message
_ON_OFF = {"disablereuse": "DisableReuse", "enablereuse": "EnableReuse", "keepalive": "KeepAlive"}


# what httpd says of a word without ``=`` (BalancerMember takes it for a balancer name)
_BARE = {
    "ProxyPass": "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'.",
    "ProxySet": "Invalid ProxySet parameter. Parameter must be in the form 'key=value'",
    "BalancerMember": "BalancerMember can not have a balancer name when defined in a location",
}
_BARE["ProxyPassMatch"] = _BARE["ProxyPass"]


def _allowed(key: str, balancer: bool, hcheck: bool) -> bool:
    if balancer:
        return key in BALANCER
    return key in WORKER or (hcheck and key.startswith("hc"))


def _value_problem(key: str, value: str) -> str | None:
    low = value.lower()
    if key in _ON_OFF and low not in ("on", "off"):
        return f"{_ON_OFF[key]} must be On|Off"
    if key == "flushpackets" and low not in ("on", "off", "auto"):
        return "flushpackets must be on|off|auto"
    return None


def rejected(directive: str, args: Iterable[str], balancer: bool, hcheck: bool, url: str = "") -> str | None:
    """httpd's refusal for the first parameter of ``args`` it would not take, or None.

    ``directive`` is the name as httpd prints it (``ProxyPass``, ``BalancerMember``,
    ``ProxySet``); ``balancer`` says the parameters land on a balancer; ``hcheck`` that the
    health-check parameters exist (mod_proxy_hcheck loaded, or not knowable); ``url`` is the
    worker or balancer ``ProxySet`` names in its message."""
    proxypass = directive in ("ProxyPass", "ProxyPassMatch")
    for arg in args:
        key, eq, value = arg.partition("=")
        key = key.lower()
        if not eq:
            if proxypass and key in PROXYPASS_FLAGS:
                continue
            return _BARE.get(directive, _BARE["ProxyPass"])
        if proxypass and key in PROXYPASS_KEYS:
            continue
        kind = "Balancer" if balancer else "Worker"
        if not _allowed(key, balancer, hcheck):
            if directive == "ProxySet":
                return f"ProxySet: unknown {kind} parameter {arg}; {url}"
            return f"{directive} unknown {kind} parameter"
        bad = _value_problem(key, value)
        if bad is not None:
            return f"{directive} {bad}"
    return None
