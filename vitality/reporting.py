"""Reproduced vs published: side-by-side tables, agreement statistics and plain verdicts; saving tables.

Every notebook ends with a comparison made here, so the wording and the tolerances are the same
everywhere and are tested once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ._version import __version__
from .errors import ConfigError

__all__ = ['printed_decimals', 'printed_tolerance', 'compare_values', 'RankAgreement', 'rank_agreement', 'verdict',
           'rank_verdict', 'save_table', 'stamp']


class Strength(str, Enum):
    """How strongly the evidence supports a claim: the one vocabulary of every verdict (docs/CONVENTIONS.md).

    * ``REPRODUCES`` — recomputed from the report's *own printed inputs* by the report's stated or
      identified method, the printed value comes out again (within half a unit of its last printed decimal;
      a rank exactly).
    * ``CONSISTENT`` — the printed value lies inside what the evidence allows, but the evidence is weaker than
      a reproduction: a lenient reading (tie order, rounding of printed scores), inputs the report does not
      print (e.g. the bundled GDP series), corrections (errata) derived in part from the same check, or a
      claimed difference in the direction the data show and significant.
    * ``NOT_CONTRADICTED`` — a claim of *no* difference (or a claim that only a test could refute) that the
      data fail to reject: absence of evidence, not evidence of absence.
    * ``DIFFERS`` — the recomputed value is outside the printed precision (or the claim is rejected), under
      every reading tried.
    * ``UNCHECKABLE`` — nothing printed to compare with, or an input that is not printed: the claim cannot be
      checked from the printed tables.
    """

    REPRODUCES = "reproduces"
    CONSISTENT = "consistent with"
    NOT_CONTRADICTED = "not contradicted by"
    DIFFERS = "differs"
    UNCHECKABLE = "cannot be checked from the printed tables"

    def __str__(self) -> str:          # the word itself in f-strings and tables
        return self.value


#: the verdict words in order of strength (strongest first)
STRENGTHS = tuple(Strength)


def judge(published, reproduced, tol: float = 0.0, *, inputs_printed: bool = True,
          lenient: bool | None = None) -> Strength:
    """The :class:`Strength` of one comparison of a printed with a recomputed value.

    Parameters
    ----------
    published, reproduced : float or None
        Printed and recomputed values; a missing printed value gives ``UNCHECKABLE``.
    tol : float
        Half a unit of the printed value's last decimal (or 0 for ranks).
    inputs_printed : bool
        Whether every input of the recomputation is printed in the report. If not (e.g. an outside GDP
        series), a value within ``tol`` is only ``CONSISTENT``.
    lenient : bool, optional
        Whether the value holds under a documented lenient reading (ties, rounding, errata); if it does and
        the strict comparison fails, ``CONSISTENT``.

    Examples
    --------
    >>> judge(0.482, 0.4817, 0.0005).value
    'reproduces'
    >>> judge(0.758, 0.7581, 0.0005, inputs_printed=False).value
    'consistent with'
    >>> judge(0.847, 0.876, 0.0005).value, judge(None, 0.5).value
    ('differs', 'cannot be checked from the printed tables')
    """
    if published is None or reproduced is None or pd.isna(published) or pd.isna(reproduced):
        return Strength.UNCHECKABLE
    if abs(float(reproduced) - float(published)) <= float(tol) + 1e-12:
        return Strength.REPRODUCES if inputs_printed else Strength.CONSISTENT
    if lenient:
        return Strength.CONSISTENT
    return Strength.DIFFERS


def judge_claim(p: float, alpha: float, *, claims_difference: bool, direction_ok: bool | None = True) -> Strength:
    """The :class:`Strength` of a verbal claim tested by a significance test with p-value ``p``.

    A claimed difference is ``CONSISTENT`` when the data show it in the claimed direction with
    ``p < alpha`` and ``DIFFERS`` otherwise (not shown, or the other way); a claimed *absence* of a
    difference is ``NOT_CONTRADICTED`` when ``p >= alpha`` (a test that fails to reject cannot confirm
    it) and ``DIFFERS`` when ``p < alpha``. A test never makes a claim ``REPRODUCES``.

    Examples
    --------
    >>> judge_claim(0.001, 0.05, claims_difference=True).value
    'consistent with'
    >>> judge_claim(0.40, 0.05, claims_difference=False).value
    'not contradicted by'
    >>> judge_claim(0.40, 0.05, claims_difference=True).value
    'differs'
    """
    if p is None or pd.isna(p):
        return Strength.UNCHECKABLE
    if claims_difference:
        return Strength.CONSISTENT if (p < alpha and direction_ok) else Strength.DIFFERS
    return Strength.NOT_CONTRADICTED if p >= alpha else Strength.DIFFERS


def add_strength(comparison: pd.DataFrame, *, inputs_printed: bool = True,
                 lenient: pd.Series | None = None) -> pd.DataFrame:
    """A :func:`compare_values` table with a ``strength`` column (:func:`judge` row by row)."""
    tol = comparison["tol"] if "tol" in comparison else None
    out = comparison.copy()
    words = []
    for i, r in comparison.iterrows():
        t = float(tol[i]) if tol is not None else (0.0 if r["status"] != "match" else abs(r["difference"]))
        len_i = bool(lenient[i]) if lenient is not None and i in lenient.index and pd.notna(lenient[i]) else None
        words.append(judge(r.iloc[0], r.iloc[1], t, inputs_printed=inputs_printed, lenient=len_i).value)
    out["strength"] = words
    return out


def strength_counts(strengths) -> dict[str, int]:
    """``{word: count}`` over :data:`STRENGTHS`, in order, for the words present."""
    s = pd.Series([str(x) for x in strengths])
    return {w.value: int((s == w.value).sum()) for w in STRENGTHS if (s == w.value).any()}


def fmt_corr(x: float, digits: int = 3) -> str:
    """A correlation with enough decimals that a value below 1 never prints as 1.000 (0.99957 → '0.9996').

    Examples
    --------
    >>> fmt_corr(0.99957), fmt_corr(1.0), fmt_corr(0.4817)
    ('0.9996', '1.000', '0.482')
    """
    x = float(x)
    d = digits
    while d < 8 and x != round(x) and abs(round(x, d)) == 1.0:
        d += 1
    return f"{x:.{d}f}"


def printed_decimals(x: float) -> int:
    """Decimals of a printed number, read from its shortest decimal form (0.75 → 2, 0.847 → 3).

    Trailing zeros printed in the source (``20.00``) are lost in a float; where they matter, count the
    decimals of the printed text instead.

    Parameters
    ----------
    x : float
        A number as read from a printed table.

    Returns
    -------
    int
        The number of decimals of its shortest form (at most 6).

    Examples
    --------
    >>> from vitality.reporting import printed_decimals
    >>> printed_decimals(0.847), printed_decimals(0.75), printed_decimals(12.0)
    (3, 2, 0)
    """
    text = f"{float(x):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def printed_tolerance(values: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Half a unit of each printed value's last decimal (0.75 → 0.005, 0.847 → 0.0005): a reproduced
    value within it rounds to the printed one.

    Parameters
    ----------
    values : pandas.Series or pandas.DataFrame
        Printed values.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Same shape: ``0.5 * 10**-decimals`` of each value (:func:`printed_decimals`).

    Examples
    --------
    >>> from vitality.reporting import printed_tolerance
    >>> printed_tolerance(pd.Series({"r1": 0.75, "r2": 0.847})).to_dict()
    {'r1': 0.005, 'r2': 0.0005}
    """
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

    Parameters
    ----------
    published, reproduced : pandas.Series or pandas.DataFrame
        The printed and the recomputed numbers, aligned by label (two Series or two DataFrames).
    tol : float, pandas.Series or pandas.DataFrame, default 0
        Largest ``|difference|`` that still counts as a match.
    names : tuple of str, default ("published", "reproduced")
        Names of the two value columns.

    Returns
    -------
    pandas.DataFrame
        One row per label: the two values, ``difference``, ``status`` (and ``tol`` for per-value tolerances).

    Raises
    ------
    ConfigError
        A negative or missing tolerance, or a Series compared with a DataFrame.

    Examples
    --------
    >>> from vitality.reporting import compare_values
    >>> pub = pd.Series({"北京": 80.2, "上海": 75.1, "广州": 60.0})
    >>> rep = pd.Series({"北京": 80.204, "上海": 75.3, "天津": 50.0})
    >>> compare_values(pub, rep, tol=0.005)
        published  reproduced  difference              status
    北京       80.2      80.204       0.004               match
    上海       75.1      75.300       0.200             differs
    广州       60.0         NaN         NaN  missing reproduced
    天津        NaN      50.000         NaN   missing published
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
    """How far a reproduced ranking is from the published one.

    Returned by :func:`rank_agreement`; :func:`rank_verdict` puts it in words.

    Parameters
    ----------
    n : int
        Number of units ranked.
    exact : int
        Units whose reproduced rank equals the published one.
    spearman, kendall : float
        Spearman's ρ and Kendall's τ-b between the two rankings.
    max_shift : int
        Largest absolute rank difference.
    max_shift_units : tuple, optional
        The units with that difference (empty when every rank matches).
    within_1 : int, default 0
        Units at most one place apart.

    Examples
    --------
    >>> from vitality.reporting import RankAgreement
    >>> a = RankAgreement(n=3, exact=1, spearman=0.5, kendall=0.333, max_shift=1, max_shift_units=("b", "c"),
    ...                   within_1=3)
    >>> a.share_exact, a.as_dict()["max_shift_units"]
    (0.3333333333333333, 'b、c')
    """

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

    Parameters
    ----------
    published, reproduced : pandas.Series
        Ranks indexed by unit; the same units on both sides.

    Returns
    -------
    RankAgreement
        Exact matches, matches within one place, ρ, τ-b and the largest shift with its units.

    Raises
    ------
    ConfigError
        The two rankings do not cover the same units.

    Examples
    --------
    >>> from vitality.reporting import rank_agreement
    >>> a = rank_agreement(pd.Series({"a": 1, "b": 2, "c": 3}), pd.Series({"a": 1, "b": 3, "c": 2}))
    >>> a.exact, a.within_1, round(a.spearman, 3), a.max_shift, a.max_shift_units
    (1, 3, 0.5, 1, ('b', 'c'))
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
            max_listed: int = 8, inputs_printed: bool = True, not_printed: str | None = None, label=None,
            found_by_search: tuple[int, int] | None = None) -> str:
    """One plain sentence (Markdown) on a :func:`compare_values` table, in the :class:`Strength` words.

    Says whether everything reproduces (or, with ``inputs_printed=False``, is only consistent: an input is not
    printed, ``not_printed`` says which); if not, how many values differ, which (up to ``max_listed``), by
    how much at most, and the likely cause when one is given. ``label`` maps an index label (e.g. a city) to
    its display name (English runs name cities in English). Rows with status ``"undefined"`` (a statistic
    with no value: a constant column, fewer than 3 units; the ``note`` column says why) lead the sentence as
    **Cannot be checked**, never as a difference.

    Parameters
    ----------
    comparison : pandas.DataFrame
        A :func:`compare_values` table.
    what : str
        What the rows are, in the plural ("domain scores").
    tol : float or str, optional
        The tolerance used, shown in brackets (a number, or words such as "to the printed decimals").
    cause : str, optional
        The likely cause of the differences, appended when some differ.
    max_listed : int, default 8
        Most labels named.
    inputs_printed : bool, default True
        ``False`` when an input is not printed in the report: the verdict is then at most "consistent with".
    not_printed : str, optional
        Which input is not printed.
    label : callable, optional
        Maps an index label to its display name.
    found_by_search : (int, int), optional
        ``(n_tried, n_all)`` when the recomputation was not named by the report but picked as the best fit
        among ``n_tried`` variants, ``n_all`` of which give every value: agreement is then at most
        **consistent with** (a fit found by searching is not a reproduction), and the sentence says so.

    Returns
    -------
    str
        One Markdown sentence starting with the :class:`Strength` word in bold.

    Examples
    --------
    >>> from vitality.reporting import compare_values, verdict
    >>> pub = pd.Series({"a": 1.00, "b": 2.00, "c": 3.00})
    >>> verdict(compare_values(pub, pub, tol=0.005), what="scores", found_by_search=(66, 2))
    '**Consistent with.** All 3 scores agree with the published values; the method was found by a search (2 of 66 variants tried give every value), not named by the report, so this is not a reproduction.'
    >>> pub = pd.Series({"a": 1.00, "b": 2.00, "c": 3.00})
    >>> verdict(compare_values(pub, pub + [0.001, 0.002, 0.0], tol=0.005), what="scores", tol=0.005)
    '**Reproduces.** All 3 scores reproduce the published values (tolerance 0.005).'
    >>> verdict(compare_values(pub, pub + [0.0, 0.5, 0.0], tol=0.005), what="scores", tol=0.005,
    ...         cause="a typo in the printed table.")
    '**Differs.** 2 of 3 scores reproduce (tolerance 0.005); 1 differ: b; largest difference 0.5. Likely cause: a typo in the printed table.'
    >>> t = compare_values(pd.Series([0.5, 0.6]), pd.Series([0.5004, float("nan")]), tol=0.0005)
    >>> t["note"] = ["", "r is undefined: the y scores are constant"]
    >>> t.loc[1, "status"] = "undefined"
    >>> verdict(t, what="correlations")
    '**Cannot be checked** for 1 of 2 correlations: r is undefined: the y scores are constant. Of the other 1: **Reproduces.** All 1 correlations reproduce the published values.'
    """
    st = comparison["status"]
    undefined = st == "undefined"
    if undefined.any():            # a statistic with no value (constant column, n < 3): named, never "differs"
        und = comparison[undefined]
        notes = (und["note"] if "note" in und else pd.Series("", index=und.index)).fillna("").astype(str)
        why = "; ".join(dict.fromkeys(x for x in notes if x)) or "the value is undefined"
        head = (f"**Cannot be checked** for {int(undefined.sum())} of {len(comparison)} {what}: {why}.")
        if undefined.all():
            return head
        rest = verdict(comparison[~undefined], what=what, tol=tol, cause=cause, max_listed=max_listed,
                       inputs_printed=inputs_printed, not_printed=not_printed, label=label,
                       found_by_search=found_by_search)
        return f"{head} Of the other {int((~undefined).sum())}: {rest}"
    n = len(comparison)
    bad = comparison[st != "match"]
    if tol is None:
        tol_txt = ""
    elif isinstance(tol, str):
        tol_txt = f" ({tol})"
    else:
        tol_txt = f" (tolerance {tol:g})"
    searched = ""
    if found_by_search is not None:
        n_tried, n_all = (int(x) for x in found_by_search)
        searched = (f"the method was found by a search ({n_all} of {n_tried} variants tried give every value), "
                    "not named by the report")
    if bad.empty:
        if searched:
            extra = (f"; and {not_printed or 'an input is not printed in the report'}" if not inputs_printed else "")
            return (f"**Consistent with.** All {n} {what} agree with the published values{tol_txt}; {searched}"
                    f"{extra}, so this is not a reproduction.")
        if not inputs_printed:
            return (f"**Consistent with.** All {n} {what} are consistent with the published values{tol_txt}; "
                    f"not a reproduction, because {not_printed or 'an input is not printed in the report'}.")
        return f"**Reproduces.** All {n} {what} reproduce the published values{tol_txt}."
    name = label or (lambda x: x)
    labels = [" / ".join(str(name(x)) for x in i) if isinstance(i, tuple) else str(name(i))
              for i in bad.index[:max_listed]]
    more = f" and {len(bad) - max_listed} more" if len(bad) > max_listed else ""
    diff = bad["difference"].abs()
    size = f"; largest difference {diff.max():.4g}" if diff.notna().any() else ""
    because = (f" ({searched[0].upper() + searched[1:]}.)" if searched else "") + (f" Likely cause: {cause}" if cause else "")
    word = "reproduce" if inputs_printed else "are consistent with the published values"
    return (f"**Differs.** {n - len(bad)} of {n} {what} {word}{tol_txt}; {len(bad)} differ: "
            f"{', '.join(labels)}{more}{size}.{because}")


def rank_verdict(agreement: RankAgreement, *, what: str, label=None, sep: str | None = None) -> str:
    """One plain sentence on a :class:`RankAgreement` (``label`` maps a unit to its display name).

    Parameters
    ----------
    agreement : RankAgreement
        As :func:`rank_agreement` returns.
    what : str
        What is ranked, in the plural ("overall ranks").
    label : callable, optional
        Maps a unit to its display name.
    sep : str, optional
        Separator of the units named (default "、").

    Returns
    -------
    str
        One Markdown sentence starting with the :class:`Strength` word in bold.

    Examples
    --------
    >>> from vitality.reporting import rank_agreement, rank_verdict
    >>> a = rank_agreement(pd.Series({"a": 1, "b": 2, "c": 3}), pd.Series({"a": 1, "b": 3, "c": 2}))
    >>> rank_verdict(a, what="ranks", sep=", ")
    '**Differs.** 1 of 3 ranks reproduced exactly, 3 within one place; Spearman ρ = 0.500, Kendall τ = 0.333; largest shift 1 place(s) (b, c).'
    """
    a = agreement
    if a.exact == a.n:
        return f"**Reproduces.** All {a.n} {what} are reproduced exactly."
    units = (sep or "、").join(str(label(u)) if label else str(u) for u in a.max_shift_units[:6])
    return (f"**Differs.** {a.exact} of {a.n} {what} reproduced exactly, {a.within_1} within one place; "
            f"Spearman ρ = {fmt_corr(a.spearman)}, Kendall τ = {fmt_corr(a.kendall)}; largest shift {a.max_shift} "
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

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    name : str
        File name without ``.csv``.
    out_dir : str or pathlib.Path
        Folder, created when missing.
    index : bool, default True
        Write the index as the first column(s).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from vitality.reporting import save_table
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = save_table(pd.DataFrame({"score": [91.05000000000001, 57.352941176]}, index=["a", "b"]), "t", d)
    ...     print(path.name, Path(path).read_text(encoding="utf-8"), sep="\\n")
    t.csv
    ,score
    a,91.05
    b,57.3529
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    readable(df).to_csv(path, index=index, encoding="utf-8", lineterminator="\n")
    return path


def stamp(params: dict, data_files, out_dir: str | Path, name: str) -> Path:
    """Write ``out_dir/name.provenance.json``: parameters, data checksums and package version.

    Contains no time stamp, so a rerun on the same inputs writes the same file.

    Parameters
    ----------
    params : dict
        The run's parameters (written as JSON; values that are not JSON are written as text).
    data_files : iterable of path-like
        Input files; each is recorded by name with its SHA-256.
    out_dir : str or pathlib.Path
        Folder, created when missing.
    name : str
        File name before ``.provenance.json``.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from vitality.reporting import stamp
    >>> with tempfile.TemporaryDirectory() as d:
    ...     data = Path(d) / "scores.csv"
    ...     _ = data.write_text("city,score\\n北京,80\\n", encoding="utf-8")
    ...     record = json.loads(stamp({"seed": 2015}, [data], d, "run").read_text(encoding="utf-8"))
    >>> record["parameters"], record["data_sha256"]["scores.csv"][:12]
    ({'seed': 2015}, '6e86c0ca3255')
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
