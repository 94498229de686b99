"""Every path the project uses, rooted at the repository (one place to change them)."""

from __future__ import annotations

from pathlib import Path

#: Repository root (the folder holding ``pyproject.toml``).
ROOT = Path(__file__).resolve().parent.parent
#: Bundled, read-only input data. Code never writes here.
DATA = ROOT / "data"
#: Tables transcribed from the 2015 report, exactly as printed.
REPORT_DATA = DATA / "report"
#: External data brought in with provenance (city metadata, GDP, ASEM).
EXTERNAL_DATA = DATA / "external"
#: Notebook sources (never executed in place).
NOTEBOOKS = ROOT / "notebooks"
#: Where the main command writes figures.
FIGURES = ROOT / "figures"
#: Default output folder of ``python -m vitality reproduce`` (executed notebooks, tables).
OUTPUT = ROOT / "output"
