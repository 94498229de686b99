"""One call that sets a report notebook up: :func:`start`.

Every notebook of ``notebooks/`` begins with its ``parameters`` cell and then::

    nb = notebook.start("03_regions", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                        apply_errata=apply_errata)

which finds a usable label language (a CJK font, else English with a one-line hint), loads and validates
the report's tables from ``data_dir`` (None: the bundled ``data/``), reads the errata that belong to them,
applies them when asked, and fixes where the notebook writes: tables to ``out_dir/tables/``, figures to
``fig_dir``, and its provenance record to ``out_dir/provenance/<name>.provenance.json`` (the one agreed
place, :meth:`Notebook.stamp`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import reporting, style
from . import data, errata, labels

__all__ = ['PROVENANCE_DIR', 'TABLES_DIR', 'Notebook', 'start']

#: subfolder of ``out_dir`` holding one provenance record per notebook
PROVENANCE_DIR = "provenance"
#: subfolder of ``out_dir`` holding the tables
TABLES_DIR = "tables"


@dataclass
class Notebook:
    """What a report notebook needs, set up once by :func:`start`.

    Attributes
    ----------
    name : str
        The notebook's stem, e.g. ``'03_regions'`` (prefix of its tables and of its provenance file).
    lang : str
        The label language actually usable (``'zh'`` falls back to ``'en'`` without a CJK font).
    report : ReportData
        The report's tables as printed (:func:`vitality.siis.data.load_report`).
    data_dir : Path or None
        The data folder given (None: the bundled one).
    apply_errata : bool
        Whether :attr:`scores` / :attr:`ranks` are the corrected tables.
    out_dir, tables, fig_dir : Path
        Where the notebook writes.
    errata_path : Path or None
        An errata file to use instead of the data folder's own.
    """

    name: str
    lang: str
    report: data.ReportData
    data_dir: Path | None
    apply_errata: bool
    out_dir: Path
    tables: Path
    fig_dir: Path
    errata_path: Path | None = None
    _corrected: tuple | None = field(default=None, repr=False)

    # --- the tables ------------------------------------------------------------------------------
    @property
    def printed_scores(self) -> pd.DataFrame:
        """The domain scores (图表 12–19) exactly as printed."""
        return self.report.domain_scores

    @property
    def printed_ranks(self) -> pd.DataFrame:
        """The rankings (图表 3–7) exactly as printed."""
        return self.report.rankings

    @cached_property
    def errata_table(self) -> pd.DataFrame:
        """The errata that belong to these tables (the data folder's own ``errata.csv``, or ``errata_path``)."""
        if self.errata_path is not None:
            return errata.load_errata(self.errata_path, cities=self.report.cities)
        return errata.errata_for(self.data_dir, cities=self.report.cities)

    @property
    def errata_file(self) -> Path:
        """The errata file in use (it may not exist for a data folder of one's own)."""
        return Path(self.errata_path) if self.errata_path is not None else errata.errata_file(self.data_dir)

    def _apply(self) -> tuple:
        if self._corrected is None:
            self._corrected = errata.apply_errata(self.report.domain_scores, self.report.rankings, self.errata_table)
        return self._corrected

    @property
    def corrected_scores(self) -> pd.DataFrame:
        """The domain scores after the errata (computed on first use)."""
        return self._apply()[0]

    @property
    def corrected_ranks(self) -> pd.DataFrame:
        """The rankings after the errata (computed on first use)."""
        return self._apply()[1]

    @property
    def applied(self) -> pd.DataFrame:
        """The errata rows applied to give :attr:`corrected_scores` and :attr:`corrected_ranks`."""
        return self._apply()[2]

    @property
    def scores(self) -> pd.DataFrame:
        """The domain scores the notebook computes with: corrected if ``apply_errata``, else as printed."""
        return self.corrected_scores if self.apply_errata else self.printed_scores

    @property
    def ranks(self) -> pd.DataFrame:
        """The published rankings the notebook compares with: corrected if ``apply_errata``, else as printed."""
        return self.corrected_ranks if self.apply_errata else self.printed_ranks

    # --- labels and words ------------------------------------------------------------------------
    @cached_property
    def city_label(self) -> dict:
        """City key → display name in :attr:`lang` (the Chinese key, or ``cities.city_en``)."""
        idx = self.report.domain_scores.index
        return dict(zip(idx, labels.city_labels(idx, self.report.cities, self.lang)))

    @property
    def note(self) -> str:
        """One Markdown paragraph: which errata were applied to the tables used (or that none were)."""
        if self.apply_errata:
            return errata.describe_applied(self.applied, label=self.city_label.get)
        return ("**No errata applied**: the tables are used as printed (`apply_errata = True` applies the reviewed "
                "corrections).")

    # --- output ----------------------------------------------------------------------------------
    def save_table(self, df: pd.DataFrame, what: str, *, index: bool = True) -> Path:
        """Save ``df`` as ``tables/<name>-<what>.csv`` (:func:`vitality.reporting.save_table`)."""
        return reporting.save_table(df, f"{self.name}-{what}", self.tables, index=index)

    def save_figure(self, fig, name: str) -> list[Path]:
        """Save a figure as ``fig_dir/<name>.png`` and ``.svg`` (:func:`vitality.style.save_figure`)."""
        return style.save_figure(fig, name, self.fig_dir)

    def stamp(self, params: dict, extra_files=()) -> Path:
        """Write this notebook's provenance record (parameters, data checksums, version) to
        ``out_dir/provenance/<name>.provenance.json``; the report's files are always included."""
        files = [*self.report.files.values(), *extra_files]
        return reporting.stamp({"data_dir": self.data_dir, "apply_errata": self.apply_errata, "lang": self.lang,
                                **params}, files, self.out_dir / PROVENANCE_DIR, self.name)


def start(name: str, *, data_dir=None, out_dir="../output", fig_dir="../figures", lang: str = "zh",
          apply_errata: bool = False, errata_path=None) -> Notebook:
    """Set a report notebook up in one call (see the module docstring).

    Parameters
    ----------
    name : str
        The notebook's stem, e.g. ``'01_rankings'``.
    data_dir : path, optional
        Folder holding ``report/``, ``external/`` (and optionally ``errata.csv``, ``framework/``); None = the
        bundled ``data/``.
    out_dir, fig_dir : path
        Where tables and provenance (``out_dir``) and figures (``fig_dir``) go.
    lang : {'zh', 'en'}
        Label language asked for (falls back to English without a CJK font, with a one-line hint).
    apply_errata : bool
        Use the corrected tables as :attr:`Notebook.scores` / :attr:`Notebook.ranks`.
    errata_path : path, optional
        An errata file to use instead of the data folder's own.

    Returns
    -------
    Notebook
    """
    usable = style.setup(lang)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 30)
    report = data.load_report(data_dir)
    out = Path(out_dir)
    return Notebook(name=name, lang=usable, report=report, data_dir=None if data_dir is None else Path(data_dir),
                    apply_errata=bool(apply_errata), out_dir=out, tables=out / TABLES_DIR, fig_dir=Path(fig_dir),
                    errata_path=None if not errata_path else Path(errata_path))
