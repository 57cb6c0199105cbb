"""The application: the command line, settings files, reporters, docs, explain and probe.
It builds on the engine and the core; nothing below imports it."""
