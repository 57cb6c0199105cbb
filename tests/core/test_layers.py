"""The layers hold: the core imports nothing above it, dialects and checks sit on the core
side by side, the engine on those, the application on top; and no module imports itself
back through others (a cycle). Imports are read from the source (also those inside
functions), so a lazy import cannot hide an upward dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("linter", "parsers", "checks")

# layer of each package prefix (longest prefix wins); a module may import its own layer
# and those below, and the two middle packages not each other
LAYERS = {
    "linter.core": 0,
    "parsers": 1,
    "checks": 1,
    "linter.engine": 2,
    "linter.app": 3,
    "linter": 3,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path) -> set[str]:
    """Project modules ``path`` imports (run-time imports only)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{a.name}" if _is_module(f"{base}.{a.name}") else base for a in node.names]
        else:
            continue
        if _under_type_checking(node, parents):
            continue
        for t in targets:
            if t.split(".")[0] in PACKAGES:
                while not _is_module(t) and "." in t:
                    t = t.rpartition(".")[0]
                # an ancestor package is always loaded first: importing it is no edge
                if t != name and not name.startswith(t + "."):
                    out.add(t)
    return out


def layer(module: str) -> tuple[int, str]:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix], prefix
    raise AssertionError(f"{module}: in no layer")


def graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return {_module_name(p): imports_of(p) for p in files}


def upward_imports(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, targets in g.items():
        mine, my_prefix = layer(mod)
        for t in targets:
            theirs, their_prefix = layer(t)
            sideways = mine == theirs == 1 and my_prefix != their_prefix
            if theirs > mine or sideways:
                bad.append(f"{mod} -> {t}")
    return sorted(bad)


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_upward_or_sideways_import():
    assert upward_imports(graph()) == []


def test_no_import_cycle():
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    "edge,expected",
    [
        (
            {"linter.core.model": {"linter.engine.runner"}, "linter.engine.runner": set()},
            ["linter.core.model -> linter.engine.runner"],
        ),
        (
            {"parsers.nginx": {"checks.backend_reuse"}, "checks.backend_reuse": set()},
            ["parsers.nginx -> checks.backend_reuse"],
        ),
        ({"linter.app.cli": {"linter.core.model", "parsers"}, "linter.core.model": set(), "parsers": set()}, []),
    ],
)
def test_the_layer_rule_itself(edge, expected):
    assert upward_imports(edge) == expected


def test_the_cycle_finder_itself():
    assert cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}) == [["a.x", "a.y", "a.z"]]
    assert cycles({"a.x": {"a.y"}, "a.y": set()}) == []


def test_the_walker_sees_lazy_and_relative_imports():
    found = imports_of(ROOT / "linter" / "engine" / "runner.py")
    assert "parsers" in found and "linter.core.options" in found
