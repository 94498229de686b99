"""Test-wide settings: property-based tests draw the same examples on every run (same inputs, same
outputs), so a CI run cannot fail on a case no earlier run has seen. Set HYPOTHESIS_PROFILE=explore
to search with fresh random examples."""

import os

import matplotlib
from hypothesis import settings

# One backend for the whole suite, set before any test imports pyplot: figures are drawn off-screen.
matplotlib.use("Agg")

settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
