"""Apache httpd 2.4: read line by line (pyparsing for the arguments), interpret into the
proxy model. pyparsing is imported only when an Apache file is actually read."""

from __future__ import annotations

import os
import re

from linter.model import ProxyModel
from linter.options import Options

NAME = "apache"


def load(path: str, options: Options) -> ProxyModel:
    return _load(path, options, None)


def load_text(name: str, text: str, options: Options) -> ProxyModel:
    """A config that is not on disk (stdin, shown as ``name``): a fragment or a whole
    config. Its includes are read from disk relative to its ``ServerRoot``, or else to the
    directory of ``name`` (the working directory for ``-``); one that cannot be found is
    reported at its line, as for a file."""
    return _load(name, options, text)


def _load(path: str, options: Options, text: str | None) -> ProxyModel:
    from .interpret import ASSUMED_VERSION, DIRECTIVES_READ, interpret
    from .read import read

    # (the runner pauses the cyclic garbage collector for the whole run, every dialect)
    tree, reader = read(path, options.proxy_versions.get("apache") or ASSUMED_VERSION, text=text,
                        keep=DIRECTIVES_READ)
    model = interpret(tree, options, reader.modules, reader.saw_loadmodule, reader.skipped_listens,
                      reader.assumed, consume=True)
    model.sources = tree.files  # comments (suppressions) and file list for the runner
    return model


def entry_rank(path: str, head: str) -> int:
    """0: a main config (apache2.conf/httpd.conf, or one that loads modules or sets
    ServerRoot), 1: a file that includes others, 2: a fragment (a vhost file, a .load)."""
    name = os.path.basename(path).lower()
    if name in ("apache2.conf", "httpd.conf"):
        return 0
    if name.endswith(".load"):
        return 2
    if re.search(r"^\s*(ServerRoot|LoadModule)\s", head, re.MULTILINE | re.IGNORECASE):
        return 0
    return 1 if re.search(r"^\s*Include(Optional)?\s", head, re.MULTILINE | re.IGNORECASE) else 2


def looks_like(path: str, head: str) -> bool:
    """Is this an Apache httpd file? By name, then by content."""
    name = os.path.basename(path).lower()
    if name in ("apache2.conf", "httpd.conf") or name.endswith(".htaccess"):
        return True
    return bool(re.search(r"^\s*(<VirtualHost\b|<Directory\b|<IfModule\b|<Location\b|LoadModule\s|ProxyPass\s|"
                          r"ServerRoot\s|DocumentRoot\s|RewriteEngine\s)", head, re.MULTILINE | re.IGNORECASE))
