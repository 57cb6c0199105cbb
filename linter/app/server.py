"""``wsproxylint server``: the linter as a language server (LSP over stdin/stdout).

An editor sees what ``check`` would say about the file being edited, as it is typed: each
buffer is linted on open, change and save by ``buffer_lint.lint_buffer`` (the settings file
nearest to the file, its ``roots``, the one ``lint()``), and its findings become
diagnostics. Hovering a rule id in a suppression comment shows the rule's documentation as
``wsproxylint rules ID`` prints it; a finding's code actions are its fix (applied when the
finding carries edits) and "disable for this line".

pygls is imported here only, so ``check``'s start-up never pays for it; it is the optional
extra ``server`` (``pip install 'wsproxylint[server]'``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from linter import __version__
from linter.app.output import CliError

if TYPE_CHECKING:
    from linter.core.findings import Finding

SOURCE = "wsproxylint"
_SEVERITY = {"error": 1, "warning": 2, "info": 3}  # LSP DiagnosticSeverity: Error, Warning, Information


def serve(rule_text: Callable[[str], str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the server on the process's stdin and stdout until the client exits it.
    ``rule_text(id)``: a rule's documentation as ``wsproxylint rules ID`` prints it."""
    try:
        server = build(rule_text)
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] in ("pygls", "lsprotocol", "cattrs"):
            raise CliError("server needs pygls: pip install 'wsproxylint[server]'") from None
        raise
    server.start_io(sys.stdin.buffer, sys.stdout.buffer)
    return 0


def build(rule_text: Callable[[str], str]) -> Any:
    """The language server, its features registered (not started)."""
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    from linter.app.buffer_lint import disable_edit, lint_buffer, rule_at, same_file

    class Server(LanguageServer):
        def __init__(self) -> None:
            super().__init__(SOURCE, __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
            # by document URI: each diagnostic published and the finding it shows
            self.shown: dict[str, list[tuple[Any, Finding]]] = {}

    server = Server()

    def publish(uri: str) -> None:
        doc = server.workspace.get_text_document(uri)
        if not uri.startswith("file:") or doc.path is None:
            return  # an unsaved new buffer: no settings, no roots, no dialect by name
        result = lint_buffer(doc.path, doc.source)
        for problem in result.problems:
            server.window_log_message(t.LogMessageParams(t.MessageType.Warning, f"wsproxylint: {problem}"))
        lines = _lines(doc)
        shown = [(_diagnostic(t, f, doc.path, lines, _client_at(doc), same_file), f) for f in result.findings]
        server.shown[uri] = shown
        server.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, diagnostics=[d for d, _ in shown], version=doc.version)
        )

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Server, params: t.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Server, params: t.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    def did_save(ls: Server, params: t.DidSaveTextDocumentParams) -> None:
        # a saved file can change the verdict on the others open (a root and its snippets)
        for uri in list(ls.workspace.text_documents):
            publish(uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Server, params: t.DidCloseTextDocumentParams) -> None:
        ls.shown.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: Server, params: t.HoverParams) -> t.Hover | None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        lines = _lines(doc)
        if params.position.line >= len(lines):
            return None
        line = params.position.line
        character = doc.position_codec.position_from_client_units(doc.lines, params.position).character
        found = rule_at(lines[line], character)
        if found is None:
            return None
        rule, start, end = found
        at = _client_at(doc)
        return t.Hover(
            contents=t.MarkupContent(kind=t.MarkupKind.PlainText, value=rule_text(rule.id)),
            range=t.Range(at(line, start), at(line, end)),
        )

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls: Server, params: t.CodeActionParams) -> list[t.CodeAction]:
        from linter.engine.suppress import UNUSED_RULE

        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        lines = _lines(doc)
        first, last = params.range.start.line, params.range.end.line
        caps = ls.client_capabilities.text_document
        can_disable = bool(caps and caps.code_action and caps.code_action.disabled_support)
        out: list[t.CodeAction] = []
        offered: set[tuple[int, str]] = set()  # a rule on a line, found for several URLs: one action each
        for diag, f in ls.shown.get(uri, []):
            line = diag.range.start.line
            if not first <= line <= last:
                continue
            fix = _fix_action(t, f, diag, can_disable)
            if fix is not None and (line, fix.title) not in offered:
                offered.add((line, fix.title))
                out.append(fix)
            if f.rule == UNUSED_RULE.id or not same_file(f.loc.file, doc.path) or (line, f.rule) in offered:
                # a suppression's own report is removed, not silenced; a finding on another
                # file's line is silenced there, where it stands
                continue
            offered.add((line, f.rule))
            e = disable_edit(lines, line, f.rule)
            at = _client_at(doc)
            edit = t.TextEdit(range=t.Range(at(e.line, e.start), at(e.line, e.end)), new_text=e.text)
            out.append(
                t.CodeAction(
                    title=f"Disable {f.rule} for this line",
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=t.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
        return out

    return server


def _lines(doc: Any) -> list[str]:
    """The buffer's lines as LSP counts them (LF, CRLF or CR), without their ends."""
    return [line.rstrip("\r\n") for line in doc.lines]


def _client_at(doc: Any) -> Callable[[int, int], Any]:
    """A position of the buffer (line, character as Python counts it) in the client's units
    (UTF-16 code units unless the client chose otherwise)."""
    from lsprotocol import types as t

    def at(line: int, character: int) -> Any:
        return doc.position_codec.position_to_client_units(doc.lines, t.Position(line, character))

    return at


def _diagnostic(
    t: Any,
    f: Finding,
    path: str,
    lines: list[str],
    at: Callable[[int, int], Any],
    same_file: Callable[[str, str], bool],
) -> Any:
    """A finding as a diagnostic on the buffer of ``path``: on its line, or, when it points
    into another file of the configuration, on its first related line in this one."""
    from linter.app.docs import rule_url
    from linter.app.report import console_text
    from linter.engine.registry import find_rule
    from linter.engine.suppress import UNUSED_RULE

    related = [
        t.DiagnosticRelatedInformation(
            location=_location(t, r.loc.file, r.loc.line, lines, at, path, same_file), message=r.message
        )
        for r in f.related
    ]
    if same_file(f.loc.file, path):
        line = f.loc.line
        message = f.message
    else:  # a line of this buffer breaks a line elsewhere
        line = next(r.loc.line for r in f.related if same_file(r.loc.file, path))
        message = f"{f.message} ({f.loc.file}:{f.loc.line})"
        related.insert(
            0,
            t.DiagnosticRelatedInformation(
                location=_location(t, f.loc.file, f.loc.line, lines, at, path, same_file), message="the finding's line"
            ),
        )
    console = console_text(f.symptom)
    if console:
        message += f"\nbrowser: {console}"
    message += f"\nfix: {f.fix}"
    rule = UNUSED_RULE if f.rule == UNUSED_RULE.id else find_rule(f.rule)
    return t.Diagnostic(
        range=_line_range(t, line, lines, at),
        message=message,
        severity=t.DiagnosticSeverity(_SEVERITY[f.severity]),
        code=f.rule,
        code_description=t.CodeDescription(href=rule_url(rule)) if rule is not None else None,
        source=SOURCE,
        related_information=related or None,
    )


def _line_range(t: Any, line: int, lines: list[str], at: Callable[[int, int], Any]) -> Any:
    """A 1-based line as the range of its text, without its indentation."""
    n = max(line - 1, 0)
    text = lines[n] if n < len(lines) else ""
    start = len(text) - len(text.lstrip())
    if n >= len(lines):  # past the buffer's end (it changed under the finding): its start
        return t.Range(t.Position(n, 0), t.Position(n, 0))
    return t.Range(at(n, start), at(n, max(len(text.rstrip()), start)))


def _location(
    t: Any,
    file: str,
    line: int,
    lines: list[str],
    at: Callable[[int, int], Any],
    path: str,
    same_file: Callable[[str, str], bool],
) -> Any:
    from pygls.uris import from_fs_path

    if same_file(file, path):
        rng = _line_range(t, line, lines, at)
    else:
        rng = t.Range(t.Position(max(line - 1, 0), 0), t.Position(max(line - 1, 0), 0))
    return t.Location(uri=from_fs_path(os.path.abspath(file)), range=rng)


def _fix_action(t: Any, f: Finding, diag: Any, can_disable: bool) -> Any:
    """The finding's fix as a quick fix: its edits when the finding carries them
    (``check --fix``'s, safe ones preferred); else, where the client shows them, the fix
    text as a disabled action that says the change is to be made by hand."""
    from pygls.uris import from_fs_path

    fixed = getattr(f, "edits", None)  # set by the autofix (issue 19) where a fix is mechanical
    edits = list(getattr(fixed, "edits", None) or ())
    title = f"{f.rule}: {f.fix}"
    if edits:
        changes: dict[str, list[Any]] = {}
        for e in edits:
            rng = t.Range(t.Position(e.start_line - 1, e.start_col), t.Position(e.end_line - 1, e.end_col))
            changes.setdefault(from_fs_path(os.path.abspath(e.file)), []).append(t.TextEdit(range=rng, new_text=e.text))
        safe = bool(getattr(fixed, "safe", False))
        note = getattr(fixed, "note", "")
        return t.CodeAction(
            title=title if safe else f"{title} (unsafe{': ' + note if note else ''})",
            kind=t.CodeActionKind.QuickFix,
            diagnostics=[diag],
            edit=t.WorkspaceEdit(changes=changes),
            is_preferred=safe or None,
        )
    if not can_disable:
        return None
    return t.CodeAction(
        title=title,
        kind=t.CodeActionKind.QuickFix,
        diagnostics=[diag],
        disabled=t.CodeActionDisabled(reason="no automatic edit for this finding: make the change by hand"),
    )
