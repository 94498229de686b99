"""Reproduced vs published: side-by-side tables, agreement statistics and plain verdicts; saving tables.

Every notebook ends with a comparison made here, so the wording and the tolerances are the same
everywhere and are tested once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ._version import __version__
from .errors import ConfigError


def printed_decimals(x: float) -> int:
    """Decimals of a printed number, read from its shortest decimal form (0.75 → 2, 0.847 → 3).

    Trailing zeros printed in the source (``20.00``) are lost in a float; where they matter, count the
    decimals of the printed text instead.
    """
    text = f"{float(x):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def printed_tolerance(values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Half a unit of each printed value's last decimal (0.75 → 0.005, 0.847 → 0.0005): a reproduced
    value within it rounds to the printed one."""
    def half(v):
        return 0.5 * 10.0 ** -printed_decimals(v)

    if isinstance(values, pd.DataFrame):
        return values.apply(lambda col: col.map(half))
    return values.map(half)


def compare_values(published: pd.Series | pd.DataFrame, reproduced: pd.Series | pd.DataFrame, *,
                   tol: float | pd.Series | pd.DataFrame = 0.0, names=("published", "reproduced")) -> pd.DataFrame:
    """Align published and reproduced numbers by label and set them side by side.

    Works on Series (one row per label) and on DataFrames (stacked into one row per row-label ×
    column). Returns a DataFrame with columns ``published``, ``reproduced``, ``difference``
    (reproduced − published) and ``status``: ``'match'`` when ``|difference| <= tol``, ``'differs'``
    otherwise, ``'missing published'`` / ``'missing reproduced'`` when one side has no value. Nothing
    is dropped: labels present on either side appear. ``tol`` is one number, or one per value (a Series
    or DataFrame shaped like ``published``, e.g. :func:`printed_tolerance`), then shown in a ``tol`` column.
    """
    per_value = isinstance(tol, (pd.Series, pd.DataFrame))
    if per_value:
        tol = tol.stack(future_stack=True) if isinstance(tol, pd.DataFrame) else tol
        if (tol < 0).any() or tol.isna().any():
            raise ConfigError("every tolerance must be a number >= 0.")
    elif tol < 0:
        raise ConfigError(f"tol must be >= 0, got {tol}.")
    pub, rep = published, reproduced
    if isinstance(pub, pd.DataFrame) or isinstance(rep, pd.DataFrame):
        if not (isinstance(pub, pd.DataFrame) and isinstance(rep, pd.DataFrame)):
            raise ConfigError("compare_values needs two Series or two DataFrames, not one of each.")
        pub = pub.stack(future_stack=True)
        rep = rep.stack(future_stack=True)
    pub = pd.to_numeric(pub, errors="raise").astype(float)
    rep = pd.to_numeric(rep, errors="raise").astype(float)
    out = pd.concat({names[0]: pub, names[1]: rep}, axis=1, sort=False)
    out["difference"] = out[names[1]] - out[names[0]]
    if per_value:
        out["tol"] = tol.reindex(out.index).astype(float)
        tol = out["tol"]
    close = out["difference"].abs() <= tol + 1e-12
    status = np.where(close, "match", "differs")
    status = np.where(out[names[0]].isna(), "missing published", status)
    status = np.where(out[names[1]].isna(), "missing reproduced", status)
    out["status"] = status
    return out


@dataclass(frozen=True)
class RankAgreement:
    """How far a reproduced ranking is from the published one."""

    n: int
    exact: int
    spearman: float
    kendall: float
    max_shift: int
    max_shift_units: tuple = field(default_factory=tuple)
    within_1: int = 0

    @property
    def share_exact(self) -> float:
        return self.exact / self.n if self.n else float("nan")

    def as_dict(self) -> dict:
        return {"n": self.n, "exact": self.exact, "within_1": self.within_1, "spearman": self.spearman,
                "kendall": self.kendall, "max_shift": self.max_shift,
                "max_shift_units": "、".join(map(str, self.max_shift_units))}


def rank_agreement(published: pd.Series, reproduced: pd.Series) -> RankAgreement:
    """Exact matches, Spearman ρ, Kendall τ-b and the largest absolute shift between two rankings.

    Both Series are indexed by unit; a unit missing on either side is an error (rankings must cover
    the same units), so nothing is compared on a silently reduced set.
    """
    missing = published.index.symmetric_difference(reproduced.index)
    if len(missing):
        raise ConfigError(f"the rankings do not cover the same units; only in one of them: {list(missing)}.")
    rep = reproduced.reindex(published.index).astype(float)
    pub = published.astype(float)
    shift = (rep - pub).abs()
    max_shift = int(shift.max()) if len(shift) else 0
    return RankAgreement(
        n=len(pub),
        exact=int((shift == 0).sum()),
        within_1=int((shift <= 1).sum()),
        spearman=float(stats.spearmanr(pub, rep).statistic),
        kendall=float(stats.kendalltau(pub, rep).statistic),
        max_shift=max_shift,
        max_shift_units=tuple(shift.index[shift == max_shift]) if max_shift else (),
    )


def verdict(comparison: pd.DataFrame, *, what: str, tol: float | str | None = None, cause: str | None = None,
            max_listed: int = 8) -> str:
    """One plain sentence (Markdown) on a :func:`compare_values` table.

    Says whether everything matches; if not, how many values differ, which (up to ``max_listed``),
    by how much at most, and the likely cause when one is given.
    """
    st = comparison["status"]
    n = len(comparison)
    bad = comparison[st != "match"]
    if tol is None:
        tol_txt = ""
    elif isinstance(tol, str):
        tol_txt = f" ({tol})"
    else:
        tol_txt = f" (tolerance {tol:g})"
    if bad.empty:
        return f"**Matches.** All {n} {what} reproduce the published values{tol_txt}."
    labels = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in bad.index[:max_listed]]
    more = f" and {len(bad) - max_listed} more" if len(bad) > max_listed else ""
    diff = bad["difference"].abs()
    size = f"; largest difference {diff.max():.4g}" if diff.notna().any() else ""
    because = f" Likely cause: {cause}" if cause else ""
    return (f"**Differs.** {n - len(bad)} of {n} {what} match{tol_txt}; {len(bad)} differ: "
            f"{', '.join(labels)}{more}{size}.{because}")


def rank_verdict(agreement: RankAgreement, *, what: str) -> str:
    """One plain sentence on a :class:`RankAgreement`."""
    a = agreement
    if a.exact == a.n:
        return f"**Matches.** All {a.n} {what} are reproduced exactly."
    units = "、".join(map(str, a.max_shift_units[:6]))
    return (f"**Differs.** {a.exact} of {a.n} {what} reproduced exactly, {a.within_1} within one place; "
            f"Spearman ρ = {a.spearman:.3f}, Kendall τ = {a.kendall:.3f}; largest shift {a.max_shift} "
            f"place(s) ({units}).")


#: most decimals a value may carry to count as "printed at that many decimals" (91.05 → 2)
MAX_FIXED_DECIMALS = 3
#: significant digits of a computed value (57.352941176… → 57.3529)
SIGNIFICANT_DIGITS = 6


def readable_decimals(values) -> int | None:
    """The fewest decimals (0 … :data:`MAX_FIXED_DECIMALS`) at which every finite value is exact up to float
    noise (``91.05000000000001`` → 2, ranks stored as floats → 0); ``None`` when there is no such number
    (a computed value such as 57.352941176…)."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return 0
    for d in range(MAX_FIXED_DECIMALS + 1):
        if np.all(np.abs(np.round(v, d) - v) <= 1e-9 * np.maximum(1.0, np.abs(v))):
            return d
    return None


def format_float_column(values: pd.Series, *, significant: int = SIGNIFICANT_DIGITS) -> pd.Series:
    """Text of a float column as a person reads it: values that were printed (or are whole) keep their
    decimals, the same for the whole column (``91.05``, ``20.00`` → ``20.0`` only if every value has one
    decimal); computed values get ``significant`` significant digits (``%g``). Missing stays empty."""
    d = readable_decimals(values)
    if d is not None:
        fmt = f"{{:.{d}f}}"
    else:
        fmt = f"{{:.{significant}g}}"

    def one(x):
        if x is None or (isinstance(x, float) and np.isnan(x)):
            return ""
        if isinstance(x, float) and not np.isfinite(x):
            return "inf" if x > 0 else "-inf"
        text = fmt.format(float(x))
        return text[1:] if text.startswith("-") and float(text) == 0 else text   # no "-0.00"

    return values.map(one).astype(object)


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose float columns are text rounded by :func:`format_float_column` (deterministic)."""
    out = df.copy()
    for i, dtype in enumerate(out.dtypes):
        if pd.api.types.is_float_dtype(dtype):
            out.isetitem(i, format_float_column(out.iloc[:, i]))
    if isinstance(out.index, pd.Index) and not isinstance(out.index, pd.MultiIndex) \
            and pd.api.types.is_float_dtype(out.index.dtype):
        out.index = pd.Index(format_float_column(pd.Series(out.index)).to_numpy(), name=out.index.name)
    return out


def save_table(df: pd.DataFrame, name: str, out_dir: str | Path, *, index: bool = True) -> Path:
    """Write ``df`` as ``out_dir/name.csv`` (UTF-8, no BOM, ``\\n`` line ends), numbers as a person reads them.

    Floats are rounded per column by :func:`readable` (printed values at their decimals, computed ones to
    :data:`SIGNIFICANT_DIGITS` significant digits), so no ``91.05000000000001`` and no 17-digit noise; the
    same input always writes the same bytes.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    readable(df).to_csv(path, index=index, encoding="utf-8", lineterminator="\n")
    return path


def stamp(params: dict, data_files, out_dir: str | Path, name: str) -> Path:
    """Write ``out_dir/name.provenance.json``: parameters, data checksums and package version.

    Contains no time stamp, so a rerun on the same inputs writes the same file.
    """
    files = {}
    for p in sorted(map(Path, data_files), key=str):
        files[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    record = {"vitality_version": __version__, "parameters": params, "data_sha256": files}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.provenance.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
                    encoding="utf-8")
    return path
