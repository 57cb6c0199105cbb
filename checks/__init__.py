"""Rule modules: one per rule, each with ``RULE`` (its documentation) and ``check(plans)``.

Checks read handshake plans only; every dialect's specifics reach them as model facts.
"""
