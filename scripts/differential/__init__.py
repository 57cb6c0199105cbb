"""The differential engine: configs generated in the styles real deployments use, each run
on the real proxy through the sample verification (tests/support/verify.py), and every
disagreement between wsproxylint's verdict and what the client saw kept with a minimal
config. See docs/verification.md, "Differential engine"."""
