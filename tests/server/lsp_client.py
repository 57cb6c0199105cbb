"""A small LSP client: ``wsproxylint server`` started as an editor starts it (a subprocess
spoken to over its stdin and stdout with JSON-RPC, Content-Length framed), so the tests and
the benchmark drive the real server, its framing and its start-up, not its functions."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def uri(path: str | Path) -> str:
    return Path(os.path.abspath(path)).as_uri()


class LspClient:
    """One server process. Requests wait for their answer (bounded); notifications from the
    server queue up for ``notification``."""

    def __init__(self, cwd: str | Path, timeout: float = 60.0) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server never blocks on it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "linter", "server"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
        )
        self.timeout = timeout
        self.next_id = 0
        self.answers: dict[int, dict] = {}
        self.incoming: queue.Queue[dict | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -------------------------------------------------------------- wire
    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.incoming.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            self.incoming.put(json.loads(out.read(length)))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _next(self, deadline: float) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no message from the server in time")
        try:
            msg = self.incoming.get(timeout=left)
        except queue.Empty:
            raise TimeoutError("no message from the server in time") from None
        if msg is None:
            raise EOFError(f"the server closed its output: {self.stderr_text()}")
        return msg

    # -------------------------------------------------------------- protocol
    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        rid = self.next_id
        self._send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + self.timeout
        pending: list[dict] = []
        try:
            while True:
                msg = self._next(deadline)
                if msg.get("id") == rid and "method" not in msg:
                    if "error" in msg:
                        raise RuntimeError(f"{method}: {msg['error']}")
                    return msg.get("result")
                if "method" in msg and "id" in msg:  # a request from the server: answer it
                    self._send({"id": msg["id"], "result": None})
                else:
                    pending.append(msg)
        finally:
            for m in pending:  # keep notifications for notification()
                self.incoming.put(m)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def notification(self, method: str, match: Any = None) -> dict:
        """The next notification ``method`` (for which ``match(params)`` holds, if given)."""
        deadline = time.monotonic() + self.timeout
        skipped: list[dict] = []
        try:
            while True:
                msg = self._next(deadline)
                if msg.get("method") == method and (match is None or match(msg["params"])):
                    return msg["params"]
                if "method" in msg and "id" in msg:
                    self._send({"id": msg["id"], "result": None})
                elif msg.get("method") != method:
                    skipped.append(msg)
        finally:
            for m in skipped:
                self.incoming.put(m)

    def diagnostics(self, path: str | Path, version: int | None = None) -> list[dict]:
        """The next diagnostics published for ``path`` (for that document version, if given)."""
        target = uri(path)

        def ours(p: dict) -> bool:
            return p["uri"] == target and (version is None or p.get("version") == version)

        return self.notification("textDocument/publishDiagnostics", ours)["diagnostics"]

    def initialize(self, root: str | Path, capabilities: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": uri(root), "capabilities": capabilities or {}},
        )
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        """shutdown, exit, and the server's exit status."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None)
                self.notify("exit", None)
            return self.proc.wait(timeout=self.timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.errors.close()

    def stderr_text(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")
