"""``python -m benchmarks.lsp_latency``: how long an editor waits, after a keystroke, for
``wsproxylint server`` to publish the diagnostics of a ~500-line config (target: under
100 ms). The server runs as an editor runs it, a child process spoken to over stdio; each
figure is the wall time from writing a ``textDocument/didChange`` to reading the
``publishDiagnostics`` for that document version, so it covers the framing, the whole
lint (settings lookup, read, model, plans, checks, suppressions) and the reply.

Cases: one nginx file (the generated fleet config, cut to whole sites near 500 lines); the
same sites as one snippet per site under an ``nginx.conf`` that includes them, the snippet
edited and judged inside its root (settings ``roots``: the root and every site are read on
each change); one HAProxy file of about 500 lines. The edits alternate between breaking the
config (the first ``proxy_set_header Upgrade`` line deleted, WSP101; HAProxy: the first
``timeout tunnel``, WSP401) and mending it, so every change is linted in full and changes
the diagnostics; the run stops with an error if they do not change.

    python -m benchmarks.lsp_latency [--edits 40] [--lines 500]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import gen_haproxy, gen_nginx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "server"))

from lsp_client import LspClient, uri  # noqa: E402  (the tests' client: one LSP client for both)

TARGET_MS = 100.0


def _lines(path: Path) -> int:
    return path.read_text().count("\n")


def _nginx(d: Path, lines: int) -> tuple[Path, Path]:
    """(single file, snippet under a root) with about ``lines`` lines of sites."""
    per_site = _lines(gen_nginx.generate(2, d / "probe")) - _lines(gen_nginx.generate(1, d / "probe"))
    sites = max(1, round(lines / per_site))
    single = gen_nginx.generate(sites, d / "single")
    root = gen_nginx.generate(sites, d / "split", layout="split")
    (d / "split" / ".wsproxylint.toml").write_text('roots = ["nginx.conf"]\n')
    snippet = sorted((root.parent / "sites-enabled").glob("*.conf"))[0]
    return single, snippet


def _haproxy(d: Path, lines: int) -> Path:
    one = _lines(gen_haproxy.generate(1, d / "h1"))
    two = _lines(gen_haproxy.generate(2, d / "h2"))
    sites = max(1, round((lines - (2 * one - two)) / (two - one)))
    return gen_haproxy.generate(sites, d / "haproxy")


def measure(path: Path, breaker: str, edits: int, workdir: Path) -> dict:
    """Latency of ``edits`` changes to ``path`` (ms), after one warm-up open: every other
    change deletes the first line holding ``breaker``, the next one puts it back."""
    client = LspClient(workdir)
    try:
        client.initialize(workdir)
        text = path.read_text()
        at = text.index(breaker)
        start_of_line = text.rindex("\n", 0, at) + 1
        broken = text[:start_of_line] + text[text.index("\n", at) + 1 :]
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri(path), "languageId": "conf", "version": 1, "text": text}},
        )
        counts = {len(client.diagnostics(path, version=1))}
        times = []
        for v in range(2, edits + 2):
            body = broken if v % 2 == 0 else text
            start = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri(path), "version": v}, "contentChanges": [{"text": body}]},
            )
            published = client.diagnostics(path, version=v)
            times.append((time.perf_counter() - start) * 1000)
            counts.add(len(published))
        if len(counts) < 2:
            raise SystemExit(f"{path}: the edits did not change the diagnostics ({counts}): nothing was judged")
        return {"lines": text.count("\n"), "diagnostics": sorted(counts), "times": times}
    finally:
        client.close()


def _row(name: str, lines: int, diagnostics: list[int], times: list[float]) -> str:
    q = statistics.quantiles(times, n=10)
    med = statistics.median(times)
    verdict = "pass" if med < TARGET_MS else "MISS"
    cells = [name, str(lines), " / ".join(map(str, diagnostics))]
    cells += [f"{x:.0f}" for x in (med, q[8], min(times), max(times))]
    return "| " + " | ".join([*cells, verdict]) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--lines", type=int, default=500)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wsp-lsp-bench-") as tmp:
        d = Path(tmp)
        single, snippet = _nginx(d, a.lines)
        haproxy = _haproxy(d, a.lines)
        upgrade, tunnel = "proxy_set_header Upgrade", "timeout tunnel"
        cases = [
            ("nginx, one file", single, upgrade, single.parent),
            ("nginx snippet inside its root (roots)", snippet, upgrade, snippet.parent.parent),
            ("HAProxy, one file", haproxy, tunnel, haproxy.parent),
        ]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"load average {load:.2f} at the start; {a.edits} edits per case"
        )
        print()
        print("| case | lines | diagnostics (mended / broken) | median ms | p90 ms | min ms | max ms | < 100 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        worst = 0.0
        for name, path, breaker, workdir in cases:
            r = measure(path, breaker, a.edits, workdir)
            if path == snippet:  # the whole configuration read on each change
                r["lines"] = sum(_lines(p) for p in snippet.parent.parent.rglob("*.conf"))
            print(_row(name, r["lines"], r["diagnostics"], r["times"]))
            worst = max(worst, statistics.median(r["times"]))
        if hasattr(os, "getloadavg"):
            print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
