"""Run the wsproxylint CLI under an audit hook, in a subprocess of its own.

    python tests/_audit_driver.py [--log FILE] [--tree DIR] [--deny PATH]... [--vanish PATH:N]...
                                  [--break-check RULE] [--break-load NAME] -- check ARGS...

The hook (``sys.addaudithook``) sees what the process does, whatever library does it:

- ``--log``: every socket event, every process start, every open for writing and every
  remove/rename/chmod/utime under ``--tree`` is written there, one per line, as
  ``event<TAB>detail``. The offline and read-only tests demand an empty log.
- ``--deny PATH``: opening (or listing) PATH fails with EACCES, as a file or directory
  whose read permission was taken away does (root ignores file modes, so a chmod cannot
  show it).
- ``--vanish PATH:N``: PATH is deleted just before it is opened for the Nth time (1: by
  the discovery sniff, 2: by the reader), as a file removed mid-run is.
- ``--break-check RULE`` / ``--break-load NAME``: that check, or the reader on files of
  that base name, raises: an internal error, whose effect on the rest of the report the
  tests pin down.

The log is written through a file descriptor opened before the hook is installed, with
``os.write``, which raises no audit event of its own.
"""

from __future__ import annotations

import os
import runpy
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WATCHED = ("os.remove", "os.unlink", "os.rename", "os.replace", "os.chmod", "os.chown", "os.utime",
            "os.truncate", "os.mkdir", "os.rmdir", "os.symlink", "os.link", "shutil.rmtree", "shutil.move")
# another program is never started; a bare fork is not in this list: it runs this same
# program (the worker pool of `--jobs`, used once the inputs are large enough), and the
# children inherit this hook and the log, so what they do is audited like the parent
_SPAWN = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty", "pty.spawn")


def main(argv: list[str]) -> None:
    cut = argv.index("--")
    opts, cli = argv[:cut], argv[cut + 1:]
    log_fd = -1
    tree = ""
    deny: set[str] = set()
    vanish: dict[str, int] = {}
    break_check = break_load = ""
    it = iter(opts)
    for flag in it:
        value = next(it)
        if flag == "--log":
            log_fd = os.open(value, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        elif flag == "--tree":
            tree = os.path.realpath(value) + os.sep
        elif flag == "--deny":
            deny.add(os.path.realpath(value))
        elif flag == "--vanish":
            path, _, n = value.rpartition(":")
            vanish[os.path.realpath(path)] = int(n)
        elif flag == "--break-check":
            break_check = value
        elif flag == "--break-load":
            break_load = value
        else:
            raise SystemExit(f"unknown driver option {flag}")
    opened: dict[str, int] = {}
    in_hook = False

    def log(event: str, detail: object) -> None:
        if log_fd >= 0:
            os.write(log_fd, f"{event}\t{detail!r}\n".encode("utf-8", "backslashreplace"))

    def under_tree(path: object) -> bool:
        if not tree or not isinstance(path, (str, bytes, os.PathLike)):
            return False
        p = os.fsdecode(path)
        return os.path.realpath(p).startswith(tree) or os.path.realpath(p) + os.sep == tree

    def hook(event: str, args: tuple) -> None:
        nonlocal in_hook
        if in_hook:
            return
        in_hook = True
        try:
            if event.startswith("socket."):
                log(event, args)
            elif event.startswith(_SPAWN):
                log(event, args[:2])
            elif event in _WATCHED and any(under_tree(a) for a in args[:2]):
                log(event, args[:2])
            elif event in ("os.scandir", "os.listdir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
                if os.path.realpath(os.fsdecode(args[0])) in deny:
                    raise PermissionError(13, "Permission denied", os.fsdecode(args[0]))
            elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
                path, mode, flags = args
                writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                    (isinstance(flags, int) and flags & _WRITE_FLAGS)
                if writes and under_tree(path):
                    log("open-for-write", (path, mode, flags))
                real = os.path.realpath(os.fsdecode(path))
                if real in deny:
                    raise PermissionError(13, "Permission denied", os.fsdecode(path))
                if real in vanish:
                    opened[real] = opened.get(real, 0) + 1
                    if opened[real] == vanish[real]:
                        os.unlink(real)
        finally:
            in_hook = False

    sys.addaudithook(hook)
    if break_check:
        from linter.core import rules
        from linter.engine.registry import all_checks

        registry = all_checks()
        for i, registered in enumerate(registry):
            if registered.rule.id == break_check:
                def boom(plans, _id=break_check):
                    raise RuntimeError(f"injected failure in {_id}")

                registry[i] = rules.RegisteredCheck(registered.rule, boom)
    if break_load:
        import parsers

        for d in parsers.dialects():
            real_load = type(d).load

            def broken(self, source, options, _real=real_load):
                if os.path.basename(source.path) == break_load:
                    raise RuntimeError(f"injected reader failure on {break_load}")
                return _real(self, source, options)

            type(d).load = broken  # type: ignore[method-assign]
    sys.argv = ["wsproxylint", *cli]
    runpy.run_module("linter", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
