"""``wsproxylint check``: settings per input, the run, the exit status and the output.

Each input is checked with the settings file nearest to it (``linter/app/settings.py``), so
one command line can hold inputs under different settings: each group is linted with its
own options and judged with its own ``fail-on``, and the reports are merged into one for the
reporters. The exit status is decided before rendering, since SARIF carries it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, TextIO

import parsers
from linter.app.check_options import FORMATS, CheckArgs, version_flag
from linter.app.output import CliError, either, proxies, use_color, write
from linter.core.fas import DEFAULT_IDLE_THRESHOLD, DEFAULT_WS_PATHS, parse_fas_backend, version_tuple
from linter.core.findings import SEVERITY_RANK

if TYPE_CHECKING:
    from linter.app.settings import Settings
    from linter.core.options import Options
    from linter.engine.result import Report

PROGRESS_MIN_FILES = 20
STATISTICS_FORMATS = ("text", "concise", "json")


def _version(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    try:
        version_tuple(value)
    except ValueError:
        raise CliError(f"{flag}: not a version number: {value!r} (expected X.Y.Z)") from None
    return value


def rule_ids(words: list[str], where: str) -> set[str]:
    """Rule ids, names or id prefixes (``WSP1``, ``WSP``) as the ids they stand for."""
    from linter.engine.registry import all_rules, find_rule
    from linter.engine.suppress import UNUSED_RULE

    every = [r.id for r in all_rules()]
    if UNUSED_RULE.id not in every:
        every.append(UNUSED_RULE.id)
    out: set[str] = set()
    for part in words:
        part = part.strip()
        if not part:
            continue
        if part.upper() == UNUSED_RULE.id or part.lower() == UNUSED_RULE.name:
            out.add(UNUSED_RULE.id)
            continue
        rule = find_rule(part)
        if rule is not None:
            out.add(rule.id)
            continue
        prefixed = [i for i in every if i.startswith(part.upper())]
        if not prefixed:
            raise CliError(f"{where}: unknown rule or prefix {part!r} (see `wsproxylint rules`)")
        out.update(prefixed)
    return out


class _Progress:
    """``[12/340] path`` on one stderr line, redrawn; only on a terminal, only for many files."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        self.stream.write(f"\r\x1b[K[{done + 1}/{total}] {path}"[:200])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@dataclass(slots=True)
class Group:
    """Inputs checked with one settings file, and what came of them."""

    settings: Settings
    paths: list[str]
    excluded: list[str] = field(default_factory=list)  # explicit files the settings exclude
    failed: bool = False


def _options(a: CheckArgs, settings: Settings) -> Options:
    """The run options of one group: flags win over its settings file."""
    from linter.core.options import Options

    ws_paths = tuple(a.ws_path) if a.ws_path else tuple(settings.ws_paths) or DEFAULT_WS_PATHS
    for p in ws_paths:
        if not p.startswith("/"):
            raise CliError(f"--ws-path: a path starts with '/': {p!r}")
    fas_backends = tuple(a.fas_backend) if a.fas_backend else tuple(settings.fas_backends)
    for b in fas_backends:
        try:
            parse_fas_backend(b)
        except ValueError:
            raise CliError(f"--fas-backend: expected HOST[:PORT] or a backend name, not {b!r}") from None
    from linter.app.settings import FRONTS

    fronts = tuple(dict.fromkeys(a.front or settings.fronts))
    for front in fronts:
        if front not in FRONTS:
            raise CliError(f"--front: expected ws or wss, not {front!r}")
    versions = dict(settings.proxy_versions)
    for d in parsers.dialects():
        value = _version(a.versions.get(d.name), version_flag(d))
        if value is not None:
            versions[d.name] = value
    idle = (
        a.idle_timeout_threshold
        if a.idle_timeout_threshold is not None
        else (settings.idle_timeout_threshold or DEFAULT_IDLE_THRESHOLD)
    )
    if idle <= 0:
        raise CliError(f"--idle-timeout-threshold: expected seconds > 0, not {idle}")
    return Options(
        fas_version=_version(a.fas_version, "--fas-version") or settings.fas_version,
        ws_paths=ws_paths,
        fas_backends=fas_backends,
        fronts=fronts,
        proxy_versions=versions,
        idle_threshold=idle,
        dialect=a.dialect,
        exclude=tuple(settings.exclude),
        dialect_overrides=tuple(settings.dialects),
        stdin_name=a.stdin_filename or "-",
    )


def _read_stdin() -> str:
    from linter.core.bounds import MAX_TOTAL_BYTES, mb

    data = sys.stdin.buffer.read(MAX_TOTAL_BYTES + 1)  # never more than a configuration's bound
    if len(data) > MAX_TOTAL_BYTES:
        raise CliError(f"-: stdin is over wsproxylint's bound of {mb(MAX_TOTAL_BYTES)} in all: not read")
    return data.decode("utf-8", errors="replace")


def merge(reports: list[Report]) -> Report:
    """One report of several runs, field by field (lists joined, mappings and counts added),
    so that a field added to Report is merged without an edit here."""
    from linter.engine.result import Report

    if len(reports) == 1:
        return reports[0]
    out = Report()
    for f in fields(Report):
        values = [getattr(r, f.name) for r in reports]
        first = values[0]
        if isinstance(first, list):
            joined: list = []
            for v in values:
                joined += [x for x in v if f.name != "files" or x not in joined]
            setattr(out, f.name, joined)
        elif isinstance(first, dict):
            setattr(out, f.name, {k: x for v in values for k, x in v.items()})
        elif isinstance(first, int):
            setattr(out, f.name, sum(values))
        elif hasattr(first, "merge"):
            setattr(out, f.name, type(first).merge(values))  # a field that knows how to merge itself
        else:
            setattr(out, f.name, first)
    return out


def run_check(a: CheckArgs, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint check``: returns the exit status; raises CliError for usage errors."""
    from linter.app import settings as config

    fmt = a.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if a.dialect != "auto" and parsers.get(a.dialect) is None:
        raise CliError(f"--dialect: expected {either(('auto', *parsers.names()))}, not {a.dialect!r}")
    if fmt not in FORMATS:
        raise CliError(f"--format: expected one of {', '.join(FORMATS)}, not {fmt!r}")
    if a.fail_on is not None and a.fail_on not in SEVERITY_RANK:
        raise CliError(f"--fail-on: expected error, warning or info, not {a.fail_on!r}")
    if a.color not in ("auto", "always", "never"):
        raise CliError(f"--color: expected auto, always or never, not {a.color!r}")
    if a.statistics and fmt not in STATISTICS_FORMATS:
        raise CliError(f"--statistics: prints a table for {either(STATISTICS_FORMATS)}, not {fmt}")
    paths = list(a.paths) if a.paths else ["."]
    if paths.count("-") > 1:
        raise CliError("-: stdin can be read only once")
    try:
        groups = [Group(s, p) for s, p in config.for_inputs(paths, a.config)]
    except config.ConfigError as e:
        raise CliError(str(e)) from None
    if a.fix and "-" in paths:
        raise CliError("--fix: stdin (-) has no file to write the fixes to; use --diff to see them")
    stdin = _read_stdin() if "-" in paths else None
    report = _lint_groups(a, groups, stdin, stderr)
    from linter.app.fixing import attach_edits

    attach_edits(report)
    if a.fix or a.diff:
        from linter.app.fixing import run_fixes

        report, fixed = run_fixes(a, paths, report, stdout, stderr, lambda: _lint_groups(a, groups, stdin, stderr))
        if fixed is not None:
            return fixed
    excluded = [(p, g.settings.path or "") for g in groups for p in g.excluded]
    looked = [p for g in groups for p in g.paths if p not in g.excluded]
    nothing = bool(looked) and not report.files
    code = (
        2 if (report.internal_errors or report.unreadable or nothing) else (1 if any(g.failed for g in groups) else 0)
    )
    if a.exit_zero and code == 1:
        code = 0
    notes = _settings_notes(groups)
    rendered = _render(a, fmt, report, code, notes, stdout, nothing=looked if nothing else [])
    if rendered is not None:
        _emit(rendered, a.output_file, stdout)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from linter.app.report.github import step_summary

        _append(os.environ["GITHUB_STEP_SUMMARY"], step_summary(report, notes), stderr)
    for p, settings_path in excluded:
        write(stderr, f"wsproxylint: skipped {p}: excluded by the exclude setting of {settings_path}")
    if nothing:
        write(stderr, f"wsproxylint: no {proxies()} config found in {' '.join(looked)}")
    for path, why in report.skipped:
        write(stderr, f"wsproxylint: skipped {path}: {why}")
    for where, why in report.unreadable:
        write(stderr, f"wsproxylint: {where}: {why}")
    for err in report.internal_errors:
        write(stderr, f"wsproxylint: internal error in {err.where}: {err.message}")
    return code


def _lint_groups(a: CheckArgs, groups: list[Group], stdin: str | None, stderr: TextIO) -> Report:
    """Every group linted with its own settings, merged; each group's ``failed`` set."""
    from linter.core.findings import Finding
    from linter.engine.linting import lint
    from linter.engine.patterns import matches
    from linter.engine.result import Report, UsageError
    from linter.engine.selection import Selection

    progress = _Progress(stderr) if stderr.isatty() else None
    reports: list[Report] = []
    try:
        for g in groups:
            s = g.settings
            where = s.path or "settings"
            fail_on = a.fail_on or s.fail_on or "warning"
            options = _options(a, s)
            selected = (
                rule_ids(a.select.split(","), "--select")
                if a.select is not None
                else rule_ids(s.select, f"{where}: select")
            )
            ignored = (
                rule_ids(a.ignore.split(","), "--ignore")
                if a.ignore is not None
                else rule_ids(s.ignore, f"{where}: ignore")
            )
            report_unused = (
                a.report_unused_suppressions
                if a.report_unused_suppressions is not None
                else bool(s.report_unused_suppressions)
            )
            g.excluded = [p for p in g.paths if p != "-" and os.path.isfile(p) and matches(p, options.exclude)]
            todo = [p for p in g.paths if p not in g.excluded]
            if not todo:
                continue
            try:
                report = lint(
                    todo,
                    options,
                    selection=Selection(frozenset(selected), frozenset(ignored)),
                    stdin=stdin,
                    roots=s.roots,
                    progress=progress,
                    jobs=_jobs(a.jobs),
                )
            except UsageError as e:
                raise CliError(str(e)) from None
            if report_unused and report.unused:
                report.findings = sorted(report.findings + report.unused, key=Finding.sort_key)
            threshold = SEVERITY_RANK[fail_on]
            g.failed = any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings)
            reports.append(report)
    finally:
        if progress is not None:
            progress.close()
    return merge(reports) if reports else Report()


def _settings_notes(groups: list[Group]) -> list[tuple[str | None, list[str]]]:
    """Which settings file applied to which inputs, when the inputs did not all share one."""
    if len(groups) < 2:
        return []
    return [(g.settings.path, g.paths) for g in groups]


def _render(
    a: CheckArgs,
    fmt: str,
    report: Report,
    code: int,
    notes: list[tuple[str | None, list[str]]],
    stdout: TextIO,
    nothing: list[str],
) -> str | None:
    """The output for stdout or ``--output-file``; None when there is nothing to print."""
    stream_is_tty = a.output_file is None and stdout.isatty()
    color = use_color(a.color, stream_is_tty)
    if a.statistics:
        from linter.app.report.statistics import render as statistics

        return statistics(report, fmt, color=color)
    if fmt == "json":
        from linter.app.report.json_report import render

        return render(report, settings=notes)
    if fmt == "sarif":
        from linter.app.report.sarif import render as sarif
        from linter.engine.suppress import UNUSED_RULE

        return sarif(report, extra_rules=(UNUSED_RULE,), exit_code=code, nothing=nothing)
    if fmt == "github":
        from linter.app.report.github import render as github

        return github(report, notes)
    if fmt == "concise":
        from linter.app.report.concise import render as concise

        return concise(report, color=color, suppressed=report.suppressed, notes=notes)
    from linter.app.report.text import render as text

    return text(report, color=color, suppressed=report.suppressed, notes=notes)


def _emit(rendered: str, output_file: str | None, stdout: TextIO) -> None:
    if output_file is None:
        write(stdout, rendered)
        return
    try:
        with open(output_file, "w", encoding="utf-8") as f:
            f.write(rendered + "\n")
    except OSError as e:
        raise CliError(f"--output-file: {output_file}: cannot write: {e.strerror or e}") from None


def _append(path: str, text: str, stderr: TextIO) -> None:
    """The step summary is a convenience: a summary that cannot be written is said, and the
    run's exit status stays the verdict's."""
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError as e:
        write(stderr, f"wsproxylint: GITHUB_STEP_SUMMARY: {path}: cannot write: {e.strerror or e}")


def _jobs(asked: int | None) -> int:
    """Worker processes for independent configs: as asked, else one per core (the engine
    still reads small inputs in this process, where a pool would only cost start-up)."""
    if asked is None:
        return os.cpu_count() or 1
    if asked < 1:
        raise CliError(f"--jobs: expected a number of processes >= 1, not {asked}")
    return asked
