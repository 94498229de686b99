"""Every path the report layer uses, rooted at the repository (one place to change them).

The bundled data live in the repository's ``data/`` folder, beside the package. With a normal
(non-editable) install the package no longer sits beside it: set ``VITALITY_DATA`` to the ``data/``
folder of a clone, or pass ``data_dir`` to the loaders; :func:`data_root` says so when it cannot find it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataValidationError

__all__ = ['ROOT', 'DATA', 'REPORT_DATA', 'EXTERNAL_DATA', 'NOTEBOOKS', 'FIGURES', 'OUTPUT', 'data_root']

#: Repository root (the folder holding ``pyproject.toml``), when the package runs from a clone.
ROOT = Path(__file__).resolve().parents[2]
#: Bundled, read-only input data (``VITALITY_DATA`` overrides). Code never writes here.
DATA = Path(os.environ["VITALITY_DATA"]).resolve() if os.environ.get("VITALITY_DATA") else ROOT / "data"
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


def data_root() -> Path:
    """The bundled ``data/`` folder, or a clear error saying how to point the report layer at one."""
    if not (DATA / "report").is_dir():
        raise DataValidationError(
            "the bundled report data are not here (the package is installed away from its repository).",
            file=DATA, fix="run from a clone of the repository (pip install -e .), set VITALITY_DATA to the data/ "
                           "folder of a clone, or pass data_dir to the loaders")
    return DATA
