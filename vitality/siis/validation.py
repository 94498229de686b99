"""Reading one of the report's tables and refusing what is wrong in it, with the line, column and fix.

:class:`CheckedTable` reads one table through :func:`vitality.tables.read_table` (the reading path of every
command), checks its header against :data:`vitality.siis.schemas.SCHEMAS` and offers the vectorised checks
the loaders of :mod:`vitality.siis.data` run (required cells, numbers in range, choices, yes/no, unique
keys, known and complete cities); each raises :class:`~vitality.errors.DataValidationError` for the first
bad row, naming the file, the 1-based line, the column and the fix.  :class:`CityUniverse` is the set of
valid cities and suggests the name meant ("did you mean 广州?" for 廣州, Guangzhou or 广州市).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DataValidationError
from ..tables import number_hint, read_table, to_numbers
from . import paths
from .schemas import FILES, SCHEMAS, PathLike

__all__ = ['resolve_path', 'csv_or_xlsx', 'norm_name', 'close_match', 'check_header', 'CheckedTable',
           'first_city_col', 'TRADITIONAL_TO_SIMPLIFIED', 'CityUniverse']


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------

def _default_dir(sub: str) -> Path:
    return paths.EXTERNAL_DATA if sub == "external" else paths.REPORT_DATA


def csv_or_xlsx(csv_path: Path) -> Path:
    """``name.csv``, or ``name.xlsx`` beside it when only the workbook is there (Excel users)."""
    alt = csv_path.with_suffix(".xlsx")
    return alt if not csv_path.exists() and alt.is_file() else csv_path


def resolve_path(path: PathLike | None, table: str) -> Path:
    """The file to read for ``table``: the bundled one, ``path`` itself, or the standard file in a folder."""
    sub, name = FILES[table]
    if path is None:
        return _default_dir(sub) / name
    p = Path(path)
    if p.is_dir():
        for candidate in (p / name, p / sub / name):
            candidate = csv_or_xlsx(candidate)
            if candidate.is_file():
                return candidate
        raise DataValidationError(
            f"the folder has no {name} (looked for {p / name} and {p / sub / name}).", file=p,
            fix=f"put the {table} table in {p / sub / name}, or pass the CSV file itself as `path`.")
    return p


# --------------------------------------------------------------------------------------------------
# Reading: bytes -> text -> header + string cells with their line numbers
# --------------------------------------------------------------------------------------------------

def norm_name(s: str) -> str:
    return s.strip().lower().replace(" ", "_").replace("-", "_")


def close_match(word: str, candidates: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The candidate ``word`` most probably meant (case, spaces and -/_ ignored), or None."""
    if not candidates:
        return None
    normed = {norm_name(c): c for c in candidates}
    w = norm_name(word)
    if w in normed:
        return normed[w]
    hits = difflib.get_close_matches(w, list(normed), n=1, cutoff=cutoff)
    if hits:
        return normed[hits[0]]
    hits = [c for n, c in normed.items() if n and w and (n.startswith(w) or w.startswith(n))]
    return hits[0] if len(hits) == 1 else None


def check_header(header: list[str], expected: Sequence[str], path: Path, line: int = 1) -> None:
    expected_txt = ",".join(expected)
    if not (set(header) & set(expected)):
        raise DataValidationError(
            f"the first line is not the header (found {','.join(header)!r}; expected "
            f"{expected_txt!r}). Is the header row missing?", file=path, row=line, column=None,
            fix=f"insert the header line {expected_txt} as line 1.")
    counts = Counter(header)
    dups = [h for h in header if counts[h] > 1]
    if dups:
        raise DataValidationError(
            f"column {dups[0]!r} appears {counts[dups[0]]} times in the header.", file=path, row=line,
            column=dups[0], fix=f"keep one of them; the header must be exactly: {expected_txt}")
    missing = [c for c in expected if c not in counts]
    extra = [h for h in header if h not in set(expected)]
    if not missing and not extra:
        return
    hints = []
    for h in extra:
        guess = close_match(h, missing)
        if guess is not None:
            hints.append(f'column "{h}" — did you mean "{guess}"?')
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        parts.append(f"unexpected column(s) {', '.join(extra)}")
    problem = (f"the header does not match this table's columns ({'; '.join(parts)}). "
               f"Expected: {expected_txt}. Found: {','.join(header)}.")
    if hints:
        problem += " " + " ".join(hints)
    if missing:
        fix = f"rename the columns so the header (line 1) is exactly: {expected_txt}"
        if extra and not hints:
            fix += f"; delete the unexpected column(s) {', '.join(extra)}"
    else:
        fix = (f"delete the unexpected column(s) {', '.join(extra)} (keep notes in the free-text "
               f"columns); the header must be exactly: {expected_txt}")
    raise DataValidationError(problem, file=path, row=line, column=(extra or missing)[0], fix=fix)


class CheckedTable:
    """One CSV file read as strings: ``df`` (columns in schema order, values str, '' when empty) and
    ``line`` (the 1-based line of each row in the file), plus helpers that raise on the first bad row."""

    def __init__(self, path: Path, table: str):
        self.path = path
        self.table = table
        self.columns = SCHEMAS[table]
        if path.is_dir():
            raise DataValidationError("this is a folder, not a CSV file.", file=path,
                                      fix=f"pass the {FILES[table][1]} file or its folder.")
        # the one reading path of every table (vitality.tables): encoding, separator, blank rows, stripping
        t = read_table(path, expected=self.columns)
        self.decimal = t.decimal
        header = list(t.df.columns)
        if not len(t.df):
            raise DataValidationError(
                "the file has a header but no data rows (it is empty).", file=path, row=t.header_line + 1,
                fix="add the data rows below the header (or restore the file from the repository).")
        check_header(header, self.columns, path, t.header_line)
        self.df = t.df.loc[:, list(self.columns)].astype(str).reset_index(drop=True)
        self.line = t.lines

    # -- errors ------------------------------------------------------------------------------------
    def error(self, problem: str, i: int | None = None, column: str | None = None,
              fix: str | None = None) -> DataValidationError:
        row = None if i is None else int(self.line[i])
        return DataValidationError(problem, file=self.path, row=row, column=column, fix=fix)

    def fail_first(self, mask, column: str | None, problem: Callable[[int], str] | str,
                   fix: Callable[[int], str] | str | None) -> None:
        """Raise for the first row where ``mask`` is True (and say how many more there are)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        bad = np.flatnonzero(mask)
        i = int(bad[0])
        msg = problem(i) if callable(problem) else problem
        if len(bad) > 1:
            others = ", ".join(str(int(x)) for x in self.line[bad[1:6]])
            msg += (f" ({len(bad) - 1} more line(s) have the same problem: {others}"
                    f"{', ...' if len(bad) > 6 else ''}.)")
        raise self.error(msg, i, column, fix(i) if callable(fix) else fix)

    # -- checks and conversions (vectorised) -------------------------------------------------------
    def value(self, i: int, column: str) -> str:
        return self.df[column].iloc[i]

    def required(self, *columns: str) -> None:
        for col in columns:
            empty = self.df[col].str.strip().eq("").to_numpy()
            self.fail_first(empty, col, f"the value of {col!r} is empty.",
                            f"fill in {col!r} on that line (it is required), or delete the line.")

    def text(self, column: str) -> pd.Series:
        """The column as strings, empty cells as missing."""
        s = self.df[column]
        return s.mask(s.str.strip().eq(""))

    def choice(self, column: str, choices: Sequence[str], what: str, fix_extra: str = "") -> pd.Series:
        s = self.df[column]
        bad = ~s.isin(list(choices)).to_numpy()

        def problem(i: int) -> str:
            v = self.value(i, column)
            guess = close_match(v, choices)
            hint = f" — did you mean {guess!r}?" if guess is not None else ""
            return f"unknown {what} {v!r}{hint} Valid: {', '.join(choices)}."

        self.fail_first(bad, column, problem,
                        f"write one of {', '.join(choices)} (lower case, exactly){fix_extra}.")
        return s

    def floats(self, column: str, *, required: bool = True, lo: float | None = None,
               hi: float | None = None, what: str = "value") -> pd.Series:
        s = self.df[column].str.strip()
        empty = s.eq("").to_numpy()
        if required:
            self.fail_first(empty, column, f"the {what} is empty.",
                            f"fill in the {what} (a number with '.' as decimal point).")
        num, bad = to_numbers(s, decimal=self.decimal)
        arr = num.to_numpy()
        bad = bad | (~empty & ~np.isfinite(arr))
        self.fail_first(bad, column,
                        lambda i: f"the {what} {self.value(i, column)!r} is not a number."
                                  f"{number_hint(self.value(i, column), decimal=self.decimal)}",
                        f"write a plain number with '.' as decimal point (no thousands separators, units "
                        f"or %){'' if required else ', or leave the cell empty if it is unknown'}.")
        out = np.zeros(len(arr), dtype=bool)
        ok = ~np.isnan(arr)
        if lo is not None:
            out |= ok & (arr < lo)
        if hi is not None:
            out |= ok & (arr > hi)
        lo_t = "-inf" if lo is None else f"{lo:g}"
        hi_t = "inf" if hi is None else f"{hi:g}"
        self.fail_first(out, column,
                        lambda i: f"the {what} {self.value(i, column)!r} is outside the valid range "
                                  f"{lo_t}..{hi_t}.",
                        f"correct the {what}: it must lie between {lo_t} and {hi_t}.")
        return num

    def ints(self, column: str, *, required: bool = True, lo: int | None = None, hi: int | None = None,
             what: str = "value") -> pd.Series:
        s = self.df[column]
        empty = s.str.strip().eq("").to_numpy()
        if required:
            self.fail_first(empty, column, f"the {what} is empty.", f"fill in the {what} (a whole number).")
        val, bad = to_numbers(s, decimal=self.decimal)
        arr0 = val.to_numpy()
        bad = bad | (~empty & ~(np.isfinite(arr0) & (np.round(arr0) == arr0)))
        self.fail_first(bad, column,
                        lambda i: f"the {what} {self.value(i, column)!r} is not a whole number.",
                        f"write the {what} as a whole number (digits only, e.g. 7, no decimals).")
        num = pd.Series(arr0, index=s.index).round().astype("Int64")
        arr = num.to_numpy(dtype="float64", na_value=np.nan)
        out = np.zeros(len(arr), dtype=bool)
        ok = ~np.isnan(arr)
        if lo is not None:
            out |= ok & (arr < lo)
        if hi is not None:
            out |= ok & (arr > hi)
        lo_t = "-inf" if lo is None else str(lo)
        hi_t = "inf" if hi is None else str(hi)
        self.fail_first(out, column,
                        lambda i: f"the {what} {self.value(i, column)!r} is outside the valid range "
                                  f"{lo_t}..{hi_t}.",
                        f"correct the {what}: it must be a whole number from {lo_t} to {hi_t}.")
        return num

    def yes_no(self, column: str) -> pd.Series:
        s = self.df[column]
        bad = ~s.isin(["yes", "no"]).to_numpy()
        self.fail_first(bad, column, lambda i: f"the value {self.value(i, column)!r} is not yes or no.",
                        "write yes or no (lower case).")
        return s.eq("yes").astype(bool)

    def unique(self, columns: Sequence[str], what: Callable[[int], str] | str,
               fix: str = "delete or correct one of the two lines.", *, full: bool = False) -> None:
        """Raise if two rows share the values of ``columns`` (naming both lines; with ``full``,
        ``what`` is the whole problem statement)."""
        cols = list(columns)
        second = self.df.duplicated(cols, keep="first").to_numpy()
        if not second.any():
            return
        i = int(np.flatnonzero(second)[0])
        key = self.df.iloc[i][cols]
        same = (self.df[cols] == key).all(axis=1).to_numpy()
        lines = [int(x) for x in self.line[same]]
        label = what(i) if callable(what) else what
        problem = label if full else f"duplicate {label}: lines {' and '.join(map(str, lines))}."
        raise self.error(problem, i,
                         first_city_col(cols), fix)

    def consistent(self, key: Sequence[str], column: str, label: Callable[[int], str], fix: str) -> None:
        """Raise if rows sharing the values of ``key`` disagree on ``column`` (naming both lines)."""
        key = list(key)
        n = self.df.groupby(key, sort=False)[column].transform("nunique").to_numpy()
        if not (n > 1).any():
            return
        i = int(np.flatnonzero(n > 1)[0])
        same = (self.df[key] == self.df.iloc[i][key]).all(axis=1).to_numpy()
        j = int(np.flatnonzero(same & self.df[column].ne(self.value(i, column)).to_numpy())[0])
        raise self.error(f"{label(i)} has {column} {self.value(i, column)!r} on line {int(self.line[i])} "
                         f"but {self.value(j, column)!r} here.", j, column, fix)

    def cities(self, column: str, universe: "CityUniverse") -> pd.Series:
        """Check that every value of ``column`` is a city of the universe."""
        self.required(column)
        s = self.df[column]
        bad = ~s.isin(universe.names).to_numpy()

        def problem(i: int) -> str:
            v = self.value(i, column)
            hint = universe.suggest(v)
            return f"unknown city {v!r}{hint}{'' if hint.endswith('?') else '.'}"

        self.fail_first(bad, column, problem,
                        lambda i: f"use the city's Chinese name exactly as in the cities file "
                                  f"({universe.source}); if {self.value(i, column)} is a new city, add a "
                                  f"row for it to the cities file first.")
        return s

    def complete(self, present: pd.Series, universe: "CityUniverse", context: str = "") -> None:
        """Raise if a city of the universe has no row (``present``: the cities that do)."""
        names = pd.Index(universe.names)
        missing = list(names[~names.isin(present)])
        if not missing:
            return
        listed = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
        raise self.error(
            f"{len(missing)} cit{'y is' if len(missing) == 1 else 'ies are'} missing from this "
            f"table{context}: {listed}.", None, "city_zh",
            f"add the missing row(s) for {missing[0]}{' etc.' if len(missing) > 1 else ''} to {self.path}; "
            f"if a city should not be analysed at all, remove it from the cities file ({universe.source}).")


def first_city_col(cols: Sequence[str]) -> str:
    return "city_zh" if "city_zh" in cols else cols[-1]


# --------------------------------------------------------------------------------------------------
# The universe of cities
# --------------------------------------------------------------------------------------------------

#: traditional -> simplified forms of the characters of the report's 46 city names (and 云 of 连云港), so
#: that 廣州 is suggested as 广州, not as 郑州 or 福州 (a small explicit table; no conversion package)
TRADITIONAL_TO_SIMPLIFIED = str.maketrans(
    "廣漢慶島門連爾濱寧陽瀋煙臺長溫莊烏魯齊鄭銀薩頭貴蘭雲廈濟鎮橋",
    "广汉庆岛门连尔滨宁阳沈烟台长温庄乌鲁齐郑银萨头贵兰云厦济镇桥")


@dataclass(frozen=True)
class CityUniverse:
    names: tuple[str, ...]
    source: str
    english: Mapping[str, str]

    def suggest(self, value: str) -> str:
        """' — did you mean X?' for a mistyped city name, or ''."""
        v = value.strip()
        if v != value and v in self.names:
            return f" — it has spaces around it; did you mean {v}?"
        key = norm_name(v)
        if key in self.english:
            return f" — that is the English name; did you mean {self.english[key]}?"
        simplified = v.translate(TRADITIONAL_TO_SIMPLIFIED)
        for cand in (simplified, simplified.removesuffix("市")):
            if cand != v and cand in self.names:
                return f" — that is written in traditional characters; did you mean {cand}?"
        for suffix in ("市", "市区"):
            if v.endswith(suffix) and v[: -len(suffix)] in self.names:
                return f" — did you mean {v[: -len(suffix)]}? (without {suffix})"
        hits = difflib.get_close_matches(v, list(self.names), n=3, cutoff=0.5)
        if not hits:
            en = difflib.get_close_matches(key, list(self.english), n=1, cutoff=0.75)
            hits = [self.english[e] for e in en]
        if not hits:
            return ""
        return f" — did you mean {' or '.join(hits)}?"
