"""Which module provides a directive, and the names a ``LoadModule`` line makes known.

Only modules whose directives matter to a websocket proxy are listed: a directive not in
this table is never reported as belonging to a module that is not loaded.
"""

from __future__ import annotations

import os

# compiled into Debian's apache2 (apache2 -l)
STATIC_MODULES = frozenset(
    {
        "core.c",
        "mod_so.c",
        "mod_watchdog.c",
        "http_core.c",
        "mod_log_config.c",
        "mod_logio.c",
        "mod_version.c",
        "mod_unixd.c",
        "core_module",
        "so_module",
        "watchdog_module",
        "http_module",
        "log_config_module",
        "logio_module",
        "version_module",
        "unixd_module",
    }
)

_BY_MODULE = {
    "proxy_module": (
        "proxypass",
        "proxypassmatch",
        "proxypassreverse",
        "proxypassreversecookiedomain",
        "proxypassreversecookiepath",
        "proxypreservehost",
        "proxytimeout",
        "proxyrequests",
        "proxyset",
        "balancermember",
        "proxyvia",
        "proxyaddheaders",
        "proxyerroroverride",
        "proxyiobuffersize",
        "proxyreceivebuffersize",
        "proxybadheader",
        "proxymaxforwards",
        "proxyremote",
        "proxyremotematch",
        "proxyblock",
        "noproxy",
        "proxydomain",
        "proxystatus",
        "proxypassinherit",
        "proxypassinterpolateenv",
        "proxysourceaddress",
        "balancergrowth",
        "balancerinherit",
        "balancerpersist",
        "proxy",
        "proxymatch",
    ),
    "proxy_wstunnel_module": ("proxywebsocketfallbacktoproxyhttp",),
    "headers_module": ("requestheader", "header"),
    "rewrite_module": ("rewriteengine", "rewriterule", "rewritecond", "rewritebase", "rewriteoptions", "rewritemap"),
    "alias_module": (
        "redirect",
        "redirectmatch",
        "redirectpermanent",
        "redirecttemp",
        "alias",
        "aliasmatch",
        "scriptalias",
        "scriptaliasmatch",
    ),
    "env_module": ("setenv", "unsetenv", "passenv"),
    "setenvif_module": ("setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "setenvifexpr"),
    "http2_module": ("h2direct", "h2push", "h2websockets", "h2upgrade", "h2maxsessionstreams"),
}
_MODULE_OF = {d: m for m, ds in _BY_MODULE.items() for d in ds}


def module_of(directive: str) -> str | None:
    """The module a (lower-case) directive belongs to, when it matters here."""
    if directive.startswith("ssl"):
        return "ssl_module"
    return _MODULE_OF.get(directive)


def module_names(identifier: str, filename: str) -> set[str]:
    """``LoadModule proxy_module modules/mod_proxy.so`` makes both ``proxy_module`` and
    ``mod_proxy.c`` known to ``<IfModule>``."""
    names = {identifier.lower()}
    base = os.path.basename(filename).lower()
    if base.endswith(".so"):
        names.add(base[:-3] + ".c")
    elif identifier.endswith("_module"):
        names.add("mod_" + identifier[:-7].lower() + ".c")
    return names


# directives of httpd trunk (2.5) that no 2.4 release knows: "Invalid command" on 2.4,
# and false for <IfDirective>
TRUNK_ONLY = {
    "proxywebsocketidletimeout": "ProxyWebsocketIdleTimeout",
    "proxywebsocketasync": "ProxyWebsocketAsync",
    "proxywebsocketasyncdelay": "ProxyWebsocketAsyncDelay",
}
