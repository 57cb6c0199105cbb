"""Reporters: text for people, json per the contract, sarif for code scanning, github for
workflow annotations. Each is imported only when its format is asked for."""

from __future__ import annotations

import os

from linter.core import symptoms


def console_text(symptom: str | None) -> str | None:
    return None if symptom is None else symptoms.console(symptom)


def display_path(path: str) -> str:
    """Paths as the user thinks of them: relative to the working directory when inside it."""
    if not os.path.isabs(path):
        return os.path.normpath(path)
    cwd = os.getcwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
