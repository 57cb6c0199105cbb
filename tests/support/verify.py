"""Verify one sample's verdicts against the real proxy: what the browser sees through the
proxy in front of the FAS stand-in must be what wsproxylint predicted.

For a sample:
1. lint it (JSON, with the sample's own ``# wsproxylint-args:``);
2. render it for loopback and run the proxy's config test: it fails exactly when an
   error finding predicts ``config-rejected``;
3. otherwise start the proxy and, on every listener x websocket URL, run a fresh handshake,
   warm rounds (pages and scripts through the proxy on held-open connections, then the
   websocket), on a front that offers h2 the same over one HTTP/2 connection (the websocket
   as an RFC 8441 extended CONNECT stream after the page streams, as Chrome does) and, where the sample sets a short idle limit, a quiet call; with the
   stand-in in legacy mode (FAS <= 2.5.2) when the sample says so, and in both modes when
   the FAS version is unknown (legacy mode then judged against the findings for 2.5.2);
4. compare: every error finding is witnessed by a failure on a listener/URL it names, and
   every failure is the symptom of an error or warning finding naming that listener/URL.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from _util import cli_process

import parsers
from linter.app.check_options import version_flag
from linter.app.handshake import (
    BAD_ACCEPT,
    HandshakeResult,
    HeldConnection,
    PageError,
    Target,
    handshake,
    warm_handshakes,
)
from linter.core.fas import CLIENT_PING_INTERVAL, DEFAULT_WS_PATHS, WS_QUERY, reuse_breaks
from linter.core.options import Options
from linter.core.symptoms import MISSING_ACCEPT
from linter.core.resolve import build_plans
from linter.engine.runner import companions, discover

from .fas import FasStandIn
from .fixtures import Pki
from .loopback import free_address
from .runners.base import Env, Front, Rendered, Runner, Unfaithful, read_tail
from .samples import ARGS, ENTRY

ROOT = Path(__file__).resolve().parents[2]
VERSION_FLAG = {d.name: version_flag(d) for d in parsers.dialects()}
PAGES = ["/gateway/adapter.js", "/gateway/csdk-common.js", "/assistserver/sdk/web/shared/js/assist.js",
         "/assistserver/sdk/web/consumer/assist.js"]
WARM_ROUNDS = 3
START_SETTLE = 1.5  # seconds a trial start must stay up (see _starts)
# between the scripts and the websocket, as the SDK runs in a browser (see warm_handshakes)
SETTLE = 0.1
QUIET_MAX = 65.0  # longer idle limits are not run (the suite must stay short)
QUIET_MARGIN = 3.0
IDLE_SECONDS = re.compile(r"after (\d+(?:\.\d+)?) s of silence(?! \(the proxy's default\))")


@dataclass(slots=True)
class Finding:
    rule: str
    severity: str
    symptom: str | None
    listener: str | None
    ws_path: str | None
    where: str
    message: str
    # every URL one finding names (one cause breaking several URLs is one finding)
    ws_paths: tuple[str, ...] = ()
    # every listener one finding names (one line breaking several listeners is one finding)
    listeners: tuple[str, ...] = ()

    @property
    def ports(self) -> list[int | None]:
        return [_port(x) for x in (self.listeners or (self.listener,))]

    def names(self, front: Front, ws_path: str) -> bool:
        if self.ws_path is not None and ws_path not in (self.ws_paths or (self.ws_path,)):
            return False
        return self.listener is None or any(p is None or p == front.port for p in self.ports)

    def line(self) -> str:
        listeners = " + ".join(self.listeners) or self.listener
        return (f"{self.rule} {self.severity} {self.symptom} [{listeners} {self.ws_path}] "
                f"{self.where}: {self.message[:160]}")


def _port(listener: str | None) -> int | None:
    m = re.search(r":(\d+)(?:\s|$)", listener or "")
    return int(m.group(1)) if m else None


@dataclass(slots=True)
class Observation:
    mode: str  # "current" or "legacy" (FAS <= 2.5.2)
    front: Front
    ws_path: str
    scenario: str  # fresh, warm-1.., quiet
    result: HandshakeResult

    def line(self) -> str:
        return (f"[{self.mode}] {self.front.name} {self.ws_path} {self.scenario}: {self.result.symptom} "
                f"({self.result.detail})")


@dataclass(slots=True)
class Verdict:
    sample: str
    skipped: str | None = None
    problems: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    handshakes: int = 0
    retargeted: str | None = None  # set when judged for the installed proxy version instead

    def report(self) -> str:
        return "\n".join([f"{self.sample}:", *("  PROBLEM " + p for p in self.problems), *("  " + x for x in self.log)])


def sample_args(sample: Path, dialect: str) -> list[str]:
    entry = sample
    if sample.is_dir():
        entry = next((sample / n for n in ENTRY[dialect] if (sample / n).is_file()), sample)
    if not entry.is_file():
        return []
    with open(entry, encoding="utf-8") as f:
        m = ARGS.match(f.readline())
    return shlex.split(m.group("args")) if m else []


def lint(sample: Path, args: list[str]) -> list[Finding]:
    # a process per run: samples are verified from several threads at once
    proc = cli_process("check", sample, "--format", "json", *args, cwd=ROOT, timeout=120)
    doc = json.loads(proc.stdout)
    return [Finding(f["rule"], f["severity"], f["symptom"], f["listener"], f["ws_path"],
                    f"{Path(f['path']).name}:{f['line']}", f["message"], tuple(f.get("ws_paths") or ()),
                    tuple(f.get("listeners") or ()))
            for f in doc["findings"]]


def _flag(args: list[str], name: str) -> str | None:
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return None


def planned_ports(sample: Path, dialect: str, args: list[str]) -> set[int] | None:
    """The public ports wsproxylint builds handshake plans for: listeners of the sites that
    front FAS. Other listeners (a plain server that only redirects to https, a site for
    something else) are where browsers never open the websockets; ``_out_of_scope`` checks
    that claim on the real proxy. None: plans for a fragment's unknown listener, so any."""
    pinned = _flag(args, VERSION_FLAG[dialect])
    versions = {dialect: pinned} if pinned else {}
    fronts = tuple(args[i + 1] for i, a in enumerate(args[:-1]) if a == "--front")  # which schemes are judged
    options = Options(fas_version=_flag(args, "--fas-version"), proxy_versions=versions, dialect=dialect,
                      fronts=fronts)
    ports: set[int] = set()
    # (map and ACL pattern files are data, never configuration, though --dialect walks them)
    candidates = [c for c in discover([str(sample)], options) if not c.path.endswith((".map", ".lst", ".txt"))]
    together = companions(candidates)  # one configuration, as `check` reads it
    read_with_main = {x for extras in together.values() for x in extras}
    read: set[str] = set()  # files an earlier config included: `check` does not read them alone
    for cand in candidates:
        reader = parsers.get(cand.dialect)
        if reader is None or cand.path in read_with_main or os.path.realpath(cand.path) in read:
            continue
        model = reader.load(parsers.Source(cand.path, None, together.get(cand.path, ())), options)
        read.update(os.path.realpath(f) for f in model.files)
        plans = build_plans(model, options)
        for p in plans.plans:
            if p.listener.unknown:
                return None  # a fragment: whatever listener includes it
            if p.listener.port is not None:
                ports.add(p.listener.port)
    return ports


def _same_version(pinned: str, installed: str) -> bool:
    """The installed proxy is the pinned version, to the precision the sample pins it (and
    at least major.minor): ``--httpd-version 2.4.41`` is not the installed 2.4.62, since
    Apache's websocket behaviour changes within 2.4 (2.4.47)."""
    want = pinned.split(".")
    have = installed.split(".")
    n = max(len(want), 2)
    return want[:n] == have[:n]


def _with_flag(args: list[str], name: str, value: str) -> list[str]:
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == name:
            skip = True
            continue
        if a.startswith(name + "="):
            continue
        out.append(a)
    return [*out, name, value]


def verify(runner: Runner, sample: Path, pki: Pki, ws_paths: tuple[str, ...] = DEFAULT_WS_PATHS) -> Verdict:
    verdict = Verdict(f"{sample.parent.name}/{sample.name}")
    args = sample_args(sample, runner.dialect)
    pinned = _flag(args, VERSION_FLAG[runner.dialect])
    installed = runner.version()
    verdict.log.append(f"build: {runner.label} ({runner.binary})")
    if not pinned:
        args = _with_flag(args, VERSION_FLAG[runner.dialect], installed)  # the linter told the build's version
    elif not _same_version(pinned, installed):
        # The sample's own verdict is for another version; what can be checked is wsproxylint's
        # verdict on the same config for the version that is installed.
        args = _with_flag(args, VERSION_FLAG[runner.dialect], installed)
        verdict.retargeted = (f"judged for {runner.dialect} {installed} (installed) instead of {pinned}: "
                              f"the verdict for {pinned} itself is not verified")
        verdict.log.append(verdict.retargeted)
    findings = lint(sample, args)
    verdict.log += ["finding " + f.line() for f in findings]
    errors = [f for f in findings if f.severity == "error"]

    with tempfile.TemporaryDirectory(prefix=f"wsp-verify-{runner.dialect}-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)
        backends = (free_address(), free_address())
        env = Env(backends, free_address(), pki.front.cert, pki.front.key, pki.front.pem, pki.ca.cert)
        try:
            rendered = runner.render(sample, workdir, env)
        except Unfaithful as e:
            verdict.skipped = f"{verdict.sample} cannot be rendered faithfully: {e}"
            return verdict
        verdict.log += ["rendered: " + n for n in rendered.notes]

        predicted_rejected = [f for f in errors if f.symptom == "config-rejected"]
        accepted, output = runner.config_test(rendered)
        verdict.log.append(f"config test: {'ok' if accepted else 'FAILED'}: {output[-600:]}")
        if accepted and predicted_rejected:
            # some refusals come only at start (httpd's providers: `apache2 -t` says Syntax
            # OK, the server exits): a rejection the config test cannot show is tried for real
            accepted, output = _starts(runner, rendered)
            verdict.log.append(f"start: {'ok' if accepted else 'FAILED'}: {output[-600:]}")
        if accepted == bool(predicted_rejected):
            verdict.problems.append(
                f"config test {'passed' if accepted else 'failed'}, but wsproxylint "
                + ("predicts config-rejected: " + "; ".join(f.line() for f in predicted_rejected)
                   if predicted_rejected else "predicts no config-rejected"))
        if not accepted:
            return verdict
        try:
            runner.check_rendered(rendered)
        except Unfaithful as e:
            verdict.skipped = f"{verdict.sample} cannot be rendered faithfully: {e}"
            return verdict

        fas_version = _flag(args, "--fas-version")
        breaks = reuse_breaks(fas_version)
        modes: list[tuple[str, list[Finding]]] = []
        if breaks is None:
            modes.append(("current", findings))
            modes.append(("legacy", lint(sample, [*args, "--fas-version", "2.5.2"])))
        else:
            modes.append(("legacy" if breaks else "current", findings))

        in_scope = planned_ports(sample, runner.dialect, args)
        if in_scope is None and rendered.scope is not None:
            in_scope = rendered.scope
        scoped = [fr for fr in rendered.fronts if in_scope is None or fr.port in in_scope]
        others = [fr for fr in rendered.fronts if fr not in scoped]
        verdict.log.append("listeners driven: " + (", ".join(fr.name for fr in scoped) or "none")
                           + "; not fronting FAS per wsproxylint: " + (", ".join(fr.name for fr in others) or "none"))
        leaf = pki.backend(backends)
        quiet = _quiet_seconds(findings)
        if quiet is None and any(f.symptom == "idle-disconnect" for f in findings):
            verdict.log.append("no quiet call: the idle limit is the proxy's default or longer than "
                               f"{QUIET_MAX:g} s")
        for mode, judged in modes:
            with _stand_in(backends, leaf, mode == "legacy") as fas:
                proxy = runner.start(rendered)
                try:
                    # an idle limit does not depend on the FAS version: one quiet run is enough
                    observations = _drive(scoped, pki, ws_paths, mode, quiet if mode == modes[0][0] else None)
                    if mode == modes[0][0]:
                        verdict.problems += _out_of_scope(others, pki)
                finally:
                    runner.stop(proxy)
                verdict.handshakes += len(observations)
                verdict.log += [o.line() for o in observations]
                problems = judge(judged, observations, mode)
                if problems:
                    verdict.problems += problems
                    verdict.log.append(f"[{mode}] proxy output:\n{read_tail(proxy.log, 1500)}")
                    verdict.log.append(f"[{mode}] stand-in saw:\n{fas.log()[-3000:]}")
                    logs = rendered.workdir / "logs" / "error.log"
                    if logs.exists():
                        verdict.log.append(f"[{mode}] error log:\n{read_tail(logs, 2000)}")
    return verdict


def _stand_in(backends: tuple[str, ...], leaf, legacy: bool) -> FasStandIn:
    """A started stand-in; retried briefly if the previous one's sockets are still closing."""
    for attempt in range(20):
        try:
            return FasStandIn(backends, leaf.cert, leaf.key, legacy=legacy).start()
        except OSError as e:
            if e.errno != errno.EADDRINUSE or attempt == 19:
                raise
            time.sleep(0.25)
    raise AssertionError("unreachable")


def _starts(runner: Runner, rendered: Rendered) -> tuple[bool, str]:
    """Does the proxy start (and then stop) on this config, with what it said if not?"""
    try:
        proxy = runner.start(rendered)
    except RuntimeError as e:
        return False, str(e)
    # httpd opens its listeners before its providers are checked: it may accept a connection
    # and exit just after, so a start counts once the server is still there a moment later
    deadline = time.monotonic() + START_SETTLE
    while proxy.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proxy.proc.poll() is not None:
        return False, f"exited with {proxy.proc.returncode} after opening its listeners:\n{read_tail(proxy.log)}"
    runner.stop(proxy)
    return True, ""


def _quiet_seconds(findings: list[Finding]) -> float | None:
    """The longest idle limit the sample itself sets below the threshold, if short enough."""
    seconds = [float(m.group(1)) for f in findings if f.symptom == "idle-disconnect"
               for m in [IDLE_SECONDS.search(f.message)] if m]
    if not seconds:
        return None
    hold = max(seconds) + QUIET_MARGIN
    return hold if hold <= QUIET_MAX else None


def _target(front: Front, ws_path: str, pki: Pki) -> Target:
    scheme = "wss" if front.browser_tls else "ws"
    query = WS_QUERY.get(ws_path)
    url = f"{scheme}://gw.example.com{ws_path}" + (f"?{query}" if query else "")
    # generous: CI runs several proxies at once on 2 cores; a real hang still ends the step
    return Target(url, address=(front.address, front.rendered_port), ca_file=str(pki.ca.cert), timeout=10.0)


def _drive(fronts: list[Front], pki: Pki, ws_paths: tuple[str, ...], mode: str,
           quiet: float | None) -> list[Observation]:
    pairs = [(fr, p) for fr in fronts for p in ws_paths]
    if not pairs:
        return []

    def run(pair: tuple[Front, str]) -> list[Observation]:
        front, path = pair
        target = _target(front, path, pki)
        out = [Observation(mode, front, path, "fresh", handshake(target))]
        out += [Observation(mode, front, path, f"warm-{i}", r)
                for i, r in enumerate(warm_handshakes(target, PAGES, rounds=WARM_ROUNDS, settle=SETTLE), 1)]
        if front.h2:
            from .h2ws import h2_warm_handshakes  # h2 is a test extra

            out += [Observation(mode, front, path, f"h2-warm-{i}", r)
                    for i, r in enumerate(h2_warm_handshakes(target, PAGES, rounds=WARM_ROUNDS, settle=SETTLE), 1)]
        if quiet is not None:
            out.append(Observation(mode, front, path, f"quiet-{quiet:g}s",
                                   handshake(target, quiet=quiet, ping_interval=CLIENT_PING_INTERVAL.get(path))))
        return out

    with ThreadPoolExecutor(max_workers=max(1, len(pairs))) as pool:
        return [o for chunk in pool.map(run, pairs) for o in chunk]


def _out_of_scope(fronts: list[Front], pki: Pki) -> list[str]:
    """A listener without handshake plans must not serve FAS pages either: if it did, the
    browser could load the SDK from it and open the websockets there, unjudged."""
    problems = []
    for front in fronts:
        target = _target(front, DEFAULT_WS_PATHS[0], pki).with_path("/")
        for page in PAGES:
            try:
                with HeldConnection(target) as conn:
                    resp = conn.get(page)
            except PageError:
                continue
            if resp.status == 200 and resp.headers.get("content-type") == "application/javascript" \
                    and resp.body_length and "x-fas-stand-in" in resp.headers:
                problems.append(f"listener {front.name} serves FAS pages ({page} -> 200 from FAS) but "
                                "wsproxylint built no handshake plan for it")
                break
    return problems


def judge(findings: list[Finding], observations: list[Observation], mode: str) -> list[str]:
    """Every error finding is witnessed by a failure where it applies; every failure is the
    symptom of an error or warning finding that applies there."""
    problems: list[str] = []
    relevant = [f for f in findings if f.symptom not in (None, "config-rejected")]
    for f in relevant:
        if f.severity != "error":
            continue
        # a finding naming several URLs is witnessed on each of them, and one naming several
        # listeners on each of those that were driven (at least one must have been)
        driven = {o.front.port for o in observations}
        ports = [p for p in dict.fromkeys(f.ports) if p is None or p in driven] or [f.ports[0]]
        for url, port in ((u, p) for u in f.ws_paths or (None,) for p in ports):
            witnessed = [o for o in observations if url in (None, o.ws_path) and f.names(o.front, o.ws_path)
                         and port in (None, o.front.port) and not o.result.ok]
            if not witnessed:
                where = " ".join(x for x in (url, f":{port}" if port is not None and len(ports) > 1 else None) if x)
                on = f" on {where}" if where else ""
                problems.append(f"[{mode}] predicted {f.symptom}{on} but every handshake it concerns was ok: "
                                f"{f.line()}")
                break
    for o in observations:
        if o.result.ok:
            continue
        # info: the linter knows it fails there and says why it does not matter (e.g. ws:// on a
        # plain listener that only redirects to https, which pages served over https never open)
        allowed = {f.symptom for f in relevant if f.names(o.front, o.ws_path)}
        # the contract has one symptom for a 101 the browser rejects for its Accept, missing
        # or answering another key (linter/core/symptoms.py: missing-accept's reasons)
        seen = MISSING_ACCEPT if o.result.symptom == BAD_ACCEPT else o.result.symptom
        if seen not in allowed:
            problems.append(f"observed {o.line()}, predicted for it: {sorted(s for s in allowed if s) or 'nothing'}")
    return problems
