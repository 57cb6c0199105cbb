"""The engine: discover configs, load them through the dialect registry, run the selected
checks, apply suppressions and the roots focus. One ``lint()`` for every caller."""
