"""Snapshot every verdict: ``check --format json`` output and exit status on the samples,
each file of ../shared/corpus (alone, with its dialect named by its folder) and the
benchmark fleets, one JSON line per input. Two snapshots taken before and after a change
that must not change a verdict are compared with ``diff``.

    python scripts/findings_snapshot.py OUT.jsonl [--fleet-sites N]

It runs the console script's entry point in this process (no sub-process per file), so
it follows the entry point wherever ``pyproject.toml`` says it lives.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# resolved, so that a worktree whose ../shared is a link names the corpus files as main does
CORPUS = (REPO.parent / "shared" / "corpus").resolve()


def _entry():
    import tomllib

    spec = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["wsproxylint"]
    mod, fn = spec.split(":")
    return getattr(importlib.import_module(mod), fn)


def _run(main, argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["wsproxylint", *argv]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as e:
        code = int(e.code or 0)
    finally:
        sys.argv = old
    text = out.getvalue()
    try:  # internal-error tracebacks and timings are not verdicts
        doc = json.loads(text)
        doc.pop("tool", None)
        text = json.dumps(doc, sort_keys=True)
    except ValueError:
        pass
    return code, text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--fleet-sites", type=int, default=1000)
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    os.chdir(REPO)
    main_fn = _entry()
    common = ["check", "--format", "json", "--jobs", "1"]
    rows: list[dict] = []

    def record(label: str, argv: list[str]) -> None:
        code, text = _run(main_fn, common + argv)
        rows.append({"input": label, "exit": code, "output": text})

    record("samples", ["samples"])
    for d in sorted(p for p in (REPO / "samples").rglob("*") if p.is_file()):
        record(f"samples/{d.relative_to(REPO / 'samples')}", [str(d.relative_to(REPO))])
    import parsers

    if CORPUS.is_dir():
        for dialect in parsers.names():
            if not (CORPUS / dialect).is_dir():
                continue
            for f in sorted((CORPUS / dialect).iterdir()):
                record(f"corpus/{dialect}/{f.name}", ["--dialect", dialect, str(f)])
    sys.path.insert(0, str(REPO))
    from benchmarks import gen_apache, gen_haproxy, gen_nginx

    with tempfile.TemporaryDirectory() as tmp:
        fleets = [("nginx-single", lambda d: gen_nginx.generate(args.fleet_sites, d, "single")),
                  ("nginx-split", lambda d: gen_nginx.generate(args.fleet_sites, d, "split")),
                  ("apache", lambda d: gen_apache.generate(args.fleet_sites, d)),
                  ("haproxy", lambda d: gen_haproxy.generate(args.fleet_sites, d))]
        for name, gen in fleets:
            d = Path(tmp) / name
            d.mkdir()
            main_path = gen(d)
            code, text = _run(main_fn, common + [str(main_path)])
            rows.append({"input": f"fleet/{name}", "exit": code, "output": text.replace(str(d), "<fleet>")})
    with open(args.out, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r, sort_keys=True) + "\n")
    print(f"{len(rows)} inputs -> {args.out}")


if __name__ == "__main__":
    main()
