"""The core: the common tree, the proxy model, handshake plans and their resolution, findings,
rule documentation, FAS facts and run options. It imports nothing from the engine, the
application, ``parsers`` or ``checks``."""
