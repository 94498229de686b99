"""The person-reviewed errata of the report (``data/errata.csv``): load, validate, apply, reconcile.

``data/errata.csv`` is written by a person (reviewing the audit of ``notebooks/06_audit.ipynb``), never
by code at run time. Each row is one finding: where it is (``location``), what (``item``, ``city``,
``domain``), the value as printed, the proposed correction, its ``kind``, ``severity``, the
``evidence`` a reader can check, and its ``status``:

* ``'proposed'`` — a reviewed correction of one data cell (a city's domain score, or a city's rank in
  one ranking); :func:`apply_errata` applies these rows by default;
* ``'applied-by-default: no'`` — a recorded finding that is not applied by default: either it corrects
  no data cell (text, lists, statistics, method) or its correction is too uncertain. A row of this
  status that does name a data cell and a value can still be applied on request (``ids=[...]``).

Only rows whose ``kind`` is a data-cell kind (:data:`SCORE_KINDS`, :data:`RANK_KINDS`) with a city,
a domain and a numeric ``proposed_value`` are machine-applicable.

Notebooks take a parameter ``apply_errata`` (default False); when True they call
:func:`apply_errata` and print :func:`describe_applied`, so every result says which corrections it
used.
"""

from __future__ import annotations

import csv
import io as _stdio
import sys
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError, DataValidationError
from . import data as vio
from . import paths
from .data import DOMAINS, RANKINGS

__all__ = ['ERRATA_COLUMNS', 'SCORE_KINDS', 'RANK_KINDS', 'MACHINE_KINDS', 'KINDS', 'SEVERITIES', 'STATUSES',
           'ERRATA_FILE', 'load_errata', 'errata_file', 'errata_for', 'applicable', 'apply_errata',
           'describe_applied', 'finding_key', 'reconcile', 'severity_counts', 'describe_high', 'with_audit_status']

#: Columns of ``data/errata.csv``, in file order.
ERRATA_COLUMNS = ("id", "location", "item", "city", "domain", "printed_value", "proposed_value", "kind",
                  "severity", "evidence", "status")
#: Kinds whose correction is a city's domain score.
SCORE_KINDS = ("off-grid score",)
#: Kinds whose correction is a city's rank in one ranking.
RANK_KINDS = ("rank inconsistency",)
#: Kinds the audit functions detect by themselves (:func:`vitality.siis.audit.audit_report`).
MACHINE_KINDS = SCORE_KINDS + RANK_KINDS + ("duplicate rank", "missing rank", "duplicate in list", "omission",
                                            "unknown name", "method contradiction", "statistic mismatch")
#: Every valid kind (``'text contradiction'`` = found by reading, recorded as data, not code).
KINDS = MACHINE_KINDS + ("text contradiction",)
SEVERITIES = ("high", "medium", "low")
STATUSES = ("proposed", "applied-by-default: no")
#: The bundled errata file.
ERRATA_FILE = paths.DATA / "errata.csv"


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataValidationError("the errata file does not exist.", file=path,
                                  fix=f"check the path; the header is {','.join(ERRATA_COLUMNS)}.") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataValidationError("the file starts with a UTF-8 byte-order mark.", file=path, row=1,
                                  fix="save it as UTF-8 without BOM.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataValidationError("the file is not valid UTF-8.", file=path, row=line,
                                  fix="re-save it as UTF-8 without BOM.") from None
    reader = csv.reader(_stdio.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    try:
        header = next(reader)
        start = reader.line_num + 1
        for row in reader:
            if row:
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except StopIteration:
        raise DataValidationError("the file is empty.", file=path,
                                  fix=f"write the header {','.join(ERRATA_COLUMNS)}.") from None
    except csv.Error as exc:
        raise DataValidationError(f"the file is not valid CSV ({exc}).", file=path, row=reader.line_num,
                                  fix="enclose values holding commas or quotes in double quotes.") from None
    return header, rows, lines


#: (source, ids) of the "not applicable" notes already given in this process: each is said once
_NOTED: set = set()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def load_errata(path: str | Path | None = None, *, cities: Sequence[str] | pd.DataFrame | None = None,
                other_data: bool = False) -> pd.DataFrame:
    """Read and validate an errata file (default ``data/errata.csv``).

    Checks, each failing with a :class:`~vitality.errors.DataValidationError` that names the file, the
    line and the column: the header (exactly :data:`ERRATA_COLUMNS`), a non-empty unique ``id``,
    ``kind`` in :data:`KINDS`, ``severity`` in :data:`SEVERITIES`, ``status`` in :data:`STATUSES`,
    ``city`` empty or a known city (``cities``: names or a :func:`vitality.siis.data.load_cities` table;
    default the bundled cities), ``domain`` empty or one of :data:`RANKINGS`, non-empty ``evidence``,
    and for data-cell rows a numeric ``proposed_value`` (a score in 0..100, or an integer rank 1..n).
    A row with status ``'proposed'`` must be machine-applicable.

    With ``other_data`` (the errata of a data folder of your own, :func:`errata_for`), a row naming a city
    that is not in ``cities``, or a rank beyond their number, is *not applicable to this data*: it is
    left out and said once on stderr, instead of being an error.

    Returns the rows as strings (empty cell = ``''``) in file order with an extra column ``line``
    (1-based line in the file) and ``attrs['source']`` = the path.
    """
    p = ERRATA_FILE if path is None else Path(path)
    header, rows, lines = _read_rows(p)
    if list(header) != list(ERRATA_COLUMNS):
        missing = [c for c in ERRATA_COLUMNS if c not in header]
        extra = [c for c in header if c not in ERRATA_COLUMNS]
        raise DataValidationError(
            f"the header is {','.join(header)}"
            + (f"; missing column(s) {', '.join(missing)}" if missing else "")
            + (f"; unknown column(s) {', '.join(extra)}" if extra else "") + ".",
            file=p, row=1, column=(missing or extra or [None])[0],
            fix=f"the header must be exactly: {','.join(ERRATA_COLUMNS)}")
    for row, line in zip(rows, lines):
        if len(row) != len(ERRATA_COLUMNS):
            raise DataValidationError(f"this line has {len(row)} values, the header {len(ERRATA_COLUMNS)}.",
                                      file=p, row=line, fix="enclose values holding commas in double quotes.")
    df = pd.DataFrame(rows, columns=list(ERRATA_COLUMNS), dtype=object)
    df = df.apply(lambda c: c.str.strip())
    df["line"] = lines
    if cities is None:
        names = set(vio.load_cities().index)
    elif isinstance(cities, pd.DataFrame):
        names = set(cities.index if cities.index.name == "city" else cities["city_zh"])
    else:
        names = set(cities)
    n_cities = len(names)

    def fail(i: int, column: str, problem: str, fix: str | None = None):
        raise DataValidationError(f"errata {df.at[i, 'id'] or '(no id)'}: {problem}", file=p,
                                  row=int(df.at[i, "line"]), column=column, fix=fix)

    seen: dict[str, int] = {}
    gone: list[tuple[int, str]] = []
    for i in df.index:                                   # a few dozen reviewed rows: clarity over speed
        rid = df.at[i, "id"]
        if not rid:
            fail(i, "id", "the id is empty.", "give every row a unique id (E01, E02, ...).")
        if rid in seen:
            fail(i, "id", f"id {rid} is used twice (also on line {seen[rid]}).", "give every row a unique id.")
        seen[rid] = int(df.at[i, "line"])
        for col, valid in (("kind", KINDS), ("severity", SEVERITIES), ("status", STATUSES)):
            if df.at[i, col] not in valid:
                fail(i, col, f"{col} {df.at[i, col]!r} is not one of {list(valid)}.", f"use one of {list(valid)}.")
        city, dom = df.at[i, "city"], df.at[i, "domain"]
        if city and city not in names:
            if other_data:
                gone.append((i, f"{rid}: {city} is not a city of this data"))
                continue
            fail(i, "city", f"unknown city {city!r}.", "use the Chinese name as printed (e.g. 北京).")
        if dom and dom not in RANKINGS:
            fail(i, "domain", f"unknown domain {dom!r}.", f"use one of {list(RANKINGS)} or leave it empty.")
        if not df.at[i, "evidence"]:
            fail(i, "evidence", "the evidence is empty.", "say what a reader can check to confirm the finding.")
        kind, prop = df.at[i, "kind"], df.at[i, "proposed_value"]
        if kind in SCORE_KINDS + RANK_KINDS:
            if not city or not dom:
                fail(i, "city" if not city else "domain", f"a {kind} row needs a city and a domain.")
            if kind in SCORE_KINDS and dom not in DOMAINS:
                fail(i, "domain", f"a score correction needs a domain code {list(DOMAINS)}, not {dom!r}.")
            if prop:
                v = _number(prop)
                if v is None:
                    fail(i, "proposed_value", f"proposed value {prop!r} is not a number.")
                if kind in SCORE_KINDS and not 0 <= v <= 100:
                    fail(i, "proposed_value", f"a score must lie in 0..100, got {prop}.")
                if kind in RANK_KINDS and other_data and v == round(v) and v > n_cities:
                    gone.append((i, f"{rid}: rank {prop} is beyond the {n_cities} cities of this data"))
                    continue
                if kind in RANK_KINDS and (v != round(v) or not 1 <= v <= n_cities):
                    fail(i, "proposed_value", f"a rank must be an integer in 1..{n_cities}, got {prop}.")
                if _number(df.at[i, "printed_value"]) is None:
                    fail(i, "printed_value", f"printed value {df.at[i, 'printed_value']!r} is not a number.")
        if df.at[i, "status"] == "proposed" and not bool(applicable(df.loc[[i]]).iloc[0]):
            fail(i, "status", "status 'proposed' is for corrections of one data cell (a score or a rank with "
                              "a city, a domain and a numeric proposed value).",
                 "use 'applied-by-default: no' for findings that correct no data cell.")
    if gone:
        df = df.drop(index=[i for i, _ in gone]).reset_index(drop=True)
        key = (str(p), tuple(w for _, w in gone))
        if key not in _NOTED:
            _NOTED.add(key)
            shown = "; ".join(w for _, w in gone[:4]) + (f"; and {len(gone) - 4} more" if len(gone) > 4 else "")
            print(f"note: {len(gone)} errata row(s) of {p} are not applicable to this data and were left out: "
                  f"{shown}.", file=sys.stderr, flush=True)
    df.attrs["source"] = str(p)
    return df


def errata_file(data_dir: str | Path | None = None) -> Path:
    """Where the errata of a data folder live: ``data/errata.csv`` for the bundled data (``None``),
    else ``<data_dir>/errata.csv`` (which may not exist)."""
    return ERRATA_FILE if data_dir is None else Path(data_dir) / "errata.csv"


def errata_for(data_dir: str | Path | None = None, *,
               cities: Sequence[str] | pd.DataFrame | None = None) -> pd.DataFrame:
    """The errata that go with a data folder, as the notebooks' ``data_dir`` parameter means it.

    ``None`` (the bundled data): ``data/errata.csv``. A folder of your own: its ``errata.csv`` if it has
    one, else an empty table — corrections of the 2015 report do not apply to other data, so none are
    assumed (``df.attrs["source"]`` says which). Validated like :func:`load_errata`.
    """
    path = errata_file(data_dir)
    if data_dir is None or path.exists():
        return load_errata(path, cities=cities, other_data=data_dir is not None)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ERRATA_COLUMNS})
    empty.attrs["source"] = f"none ({path} does not exist)"
    return empty


def applicable(errata: pd.DataFrame) -> pd.Series:
    """Whether each row corrects one data cell (data-cell kind, city, domain, numeric proposed value)."""
    num = pd.to_numeric(errata["proposed_value"].replace("", np.nan), errors="coerce")
    return (errata["kind"].isin(SCORE_KINDS + RANK_KINDS) & errata["city"].ne("") & errata["domain"].ne("")
            & num.notna())


def apply_errata(domain_scores: pd.DataFrame, rankings: pd.DataFrame | None = None,
                 errata: pd.DataFrame | str | Path | None = None, *, ids: Iterable[str] | None = None,
                 check_printed: bool = True, on_mismatch: str | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """Apply errata to copies of the domain scores and rankings (the inputs are never changed).

    Parameters
    ----------
    domain_scores : DataFrame
        Wide, index city, columns social, cultural, economic, political.
    rankings : DataFrame, optional
        Wide, index city, columns overall, social, ... (rank rows are skipped when None).
    errata : DataFrame or path, optional
        From :func:`load_errata`; a path is loaded; None loads ``data/errata.csv``.
    ids : iterable of str, optional
        Apply exactly these rows (each must be machine-applicable). Default: every row with status
        ``'proposed'``.
    check_printed : bool
        Compare the table's current value with the row's ``printed_value`` (False: apply regardless).
    on_mismatch : {"skip", "error"}, optional
        What a row does whose cell no longer holds the printed value, or whose city or domain the table
        lacks (an edited copy of the data, a dropped city, another year): ``"skip"`` — the row is *not
        applicable to this data*: it is left out, listed in ``applied.attrs["not_applicable"]`` and said
        once (one line on stderr); ``"error"`` — refuse with a
        :class:`DataValidationError`. Default: ``"skip"`` for the default rows, ``"error"`` when ``ids``
        asks for rows by name.

    Returns
    -------
    scores, ranks, applied
        Corrected copies and a table of what was applied: ``id``, ``location``, ``target``
        ('score' or 'rank'), ``city``, ``domain``, ``printed``, ``corrected``.
    """
    if errata is None or isinstance(errata, (str, Path)):
        errata = load_errata(errata)
    src = errata.attrs.get("source")
    ok = applicable(errata)
    if ids is None:
        chosen = errata[(errata["status"] == "proposed") & ok]
    else:
        ids = list(ids)
        unknown = [i for i in ids if i not in set(errata["id"])]
        if unknown:
            raise ConfigError(f"errata id(s) {unknown} not in {src or 'the errata table'}; known ids: "
                              f"{list(errata['id'])}.")
        chosen = errata[errata["id"].isin(ids)]
        bad = chosen[~ok.loc[chosen.index]]
        if len(bad):
            raise ConfigError(f"errata {list(bad['id'])} correct no data cell (kind {list(bad['kind'])}); only "
                              f"{list(SCORE_KINDS + RANK_KINDS)} rows with a proposed value can be applied.")
    if on_mismatch is None:
        on_mismatch = "skip" if ids is None else "error"
    if on_mismatch not in ("skip", "error"):
        raise ConfigError(f"on_mismatch must be 'skip' or 'error', got {on_mismatch!r}.")
    scores = domain_scores.copy()
    ranks = None if rankings is None else rankings.copy()
    applied, skipped = [], []
    for i, r in chosen.iterrows():
        is_score = r["kind"] in SCORE_KINDS
        table = scores if is_score else ranks
        if table is None:
            continue
        city, dom = r["city"], r["domain"]
        printed = float(r["printed_value"])
        if city not in table.index or dom not in table.columns:
            why = f"the table has no {city}" if city not in table.index else f"the table has no {dom} column"
            if on_mismatch == "skip":
                skipped.append({"id": r["id"], "city": city, "domain": dom, "printed": printed, "found": np.nan,
                                "reason": why})
                continue
            raise DataValidationError(f"errata {r['id']}: {why} (no cell {city}/{dom}).", file=src,
                                      row=int(r.get("line", 0)) or None, column="city",
                                      fix="apply the errata to the report's full tables, or leave ids unset so "
                                          "that rows not applicable to this data are skipped.")
        current = table.at[city, dom]
        if check_printed and (pd.isna(current) or abs(float(current) - printed) > 1e-9):
            if on_mismatch == "skip":
                skipped.append({"id": r["id"], "city": city, "domain": dom, "printed": printed,
                                "found": float(current) if pd.notna(current) else np.nan,
                                "reason": f"{city} {dom} is {current}, not {r['printed_value']} as printed"})
                continue
            raise DataValidationError(
                f"errata {r['id']} expects {city} {dom} = {r['printed_value']} (as printed) but the table has "
                f"{current}; the table is not the printed one or the row was already applied.", file=src,
                row=int(r.get("line", 0)) or None, column="printed_value",
                fix="leave ids unset (rows whose printed value is gone are then skipped as not applicable), "
                    "or pass check_printed=False to apply the row regardless.")
        new = float(r["proposed_value"])
        table.at[city, dom] = new if is_score else int(round(new))
        applied.append({"id": r["id"], "location": r["location"], "target": "score" if is_score else "rank",
                        "city": city, "domain": dom, "printed": printed, "corrected": new})
    cols = ["id", "location", "target", "city", "domain", "printed", "corrected"]
    out = pd.DataFrame(applied, columns=cols)
    na = pd.DataFrame(skipped, columns=["id", "city", "domain", "printed", "found", "reason"])
    out.attrs["not_applicable"] = na
    if len(na):
        key = (str(src), tuple(na["id"]), tuple(na["reason"]))
        if key not in _NOTED:
            _NOTED.add(key)
            print(f"note: {describe_not_applicable(na, src)}", file=sys.stderr, flush=True)
    return scores, ranks, out


def describe_not_applicable(na: pd.DataFrame, source=None, *, max_listed: int = 4) -> str:
    """One line: which errata rows were skipped as not applicable to this data, and why."""
    listed = "; ".join(f"{r.id}: {r.reason}" for r in na.head(max_listed).itertuples())
    more = f"; and {len(na) - max_listed} more" if len(na) > max_listed else ""
    return (f"{len(na)} errata row(s) of {source or 'the errata table'} are not applicable to this data and were "
            f"skipped (the report's corrections apply to the report's printed tables): {listed}{more}.")


def describe_applied(applied: pd.DataFrame, *, max_listed: int = 12, label=None) -> str:
    """One Markdown paragraph saying which errata were applied (or that none were); ``label`` maps a city to its
    display name (English names in an English run)."""
    def name_of(u):
        return (label(u) if label is not None and isinstance(u, str) and u else None) or u
    na = getattr(applied, "attrs", {}).get("not_applicable") if applied is not None else None
    skipped = (f" {describe_not_applicable(na)}" if na is not None and len(na) else "")
    if applied is None or applied.empty:
        return "**No errata applied**: the report's tables are used exactly as printed." + skipped
    parts = []
    for r in applied.head(max_listed).itertuples():
        fmt = (lambda v: f"{v:.2f}") if r.target == "score" else (lambda v: f"{int(v)}")
        parts.append(f"{name_of(r.city)} {r.domain} {r.target} {fmt(r.printed)} → {fmt(r.corrected)} ({r.id})")
    more = f" and {len(applied) - max_listed} more" if len(applied) > max_listed else ""
    n_s = int((applied["target"] == "score").sum())
    n_r = int((applied["target"] == "rank").sum())
    return (f"**Errata applied** ({len(applied)}: {n_s} score(s), {n_r} rank(s), from data/errata.csv): "
            f"{'; '.join(parts)}{more}.{skipped}")


def finding_key(table: pd.DataFrame) -> pd.Series:
    """The identity of a finding: ``kind|city|domain|item`` (location and wording may differ)."""
    t = table.fillna("").astype(str)
    return t["kind"] + "|" + t["city"] + "|" + t["domain"] + "|" + t["item"]


def reconcile(findings: pd.DataFrame, errata: pd.DataFrame) -> pd.DataFrame:
    """Compare what the audit finds by itself with the machine-detectable rows of the errata.

    Rows of the errata whose kind is in :data:`MACHINE_KINDS` are matched with the audit findings on
    :func:`finding_key`. Returns one row per key: ``kind``, ``city``, ``domain``, ``item``, ``id``
    (errata id), ``in_audit``, ``in_errata``, ``audit_proposed``, ``errata_proposed`` and ``status``:
    'both', 'audit only' (a finding missing from the errata) or 'errata only' (an errata row the
    audit no longer finds).
    """
    e = errata[errata["kind"].isin(MACHINE_KINDS)].copy()
    f = findings.copy()
    e["key"] = finding_key(e)
    f["key"] = finding_key(f)
    dup = e["key"][e["key"].duplicated()]
    if len(dup):
        raise ConfigError(f"errata rows share the key {dup.iloc[0]!r} (kind|city|domain|item); make items distinct.")
    f = f.drop_duplicates("key")
    cols = ["kind", "city", "domain", "item"]
    merged = pd.merge(f[["key", *cols, "proposed_value"]].rename(columns={"proposed_value": "audit_proposed"}),
                      e[["key", *cols, "id", "proposed_value"]].rename(columns={"proposed_value": "errata_proposed"}),
                      on="key", how="outer", suffixes=("", "_e"), indicator=True)
    for c in cols:
        merged[c] = merged[c].fillna(merged[f"{c}_e"])
    merged["in_audit"] = merged["_merge"].isin(["both", "left_only"])
    merged["in_errata"] = merged["_merge"].isin(["both", "right_only"])
    merged["status"] = merged["_merge"].map({"both": "both", "left_only": "audit only",
                                             "right_only": "errata only"}).astype(object)
    out = merged[[*cols, "id", "in_audit", "in_errata", "audit_proposed", "errata_proposed", "status"]]
    return out.fillna({"id": "", "audit_proposed": "", "errata_proposed": ""}).reset_index(drop=True)


def severity_counts(errata: pd.DataFrame) -> pd.DataFrame:
    """Errata rows by ``kind`` (rows) and ``severity`` (columns), with totals.

    Parameters
    ----------
    errata : pandas.DataFrame
        An errata table (:func:`load_errata`).

    Returns
    -------
    pandas.DataFrame
        Counts; rows are the kinds present plus ``total``, columns the severities present in the order
        of :data:`SEVERITIES`, then ``total``.
    """
    counts = pd.crosstab(errata["kind"], errata["severity"], margins=True, margins_name="total")
    return counts.reindex(columns=[c for c in (*SEVERITIES, "total") if c in counts.columns])


def describe_high(errata: pd.DataFrame, *, label=None) -> str:
    """A Markdown list of the high-severity rows of an errata table.

    Each line reads ``- id · location · item city domain: printed value → proposed value`` (the arrow
    part only when a correction is proposed; ``—`` when no printed value is recorded); ``label`` maps a city
    to its display name (English names in an English run).
    """
    def name_of(u):
        return (label(u) if label is not None and isinstance(u, str) and u else None) or u
    high = errata[errata["severity"] == "high"]
    return "**High-severity findings** (reviewed, from the errata table):\n\n" + "\n".join(
        f"- {r.id} · {r.location} · {r.item} {name_of(r.city)} {r.domain}: printed {r.printed_value or '—'}"
        + (f" → {r.proposed_value}" if r.proposed_value else "") for r in high.itertuples())


def with_audit_status(errata: pd.DataFrame, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The errata table with a column ``audit``: what the audit says about each row.

    Parameters
    ----------
    errata : pandas.DataFrame
        An errata table (:func:`load_errata`; its ``line`` column is dropped).
    reconciliation : pandas.DataFrame
        :func:`reconcile` of the audit's findings with ``errata``.

    Returns
    -------
    pandas.DataFrame
        The rows of ``errata`` in order; ``audit`` is the reconciliation status ('both', 'errata only')
        or "text (not machine-detectable)" for rows the audit cannot detect.
    """
    shown = errata.merge(reconciliation[["id", "status"]].rename(columns={"status": "audit"}), on="id", how="left")
    shown["audit"] = shown["audit"].fillna("text (not machine-detectable)")
    return shown.drop(columns=["line"], errors="ignore")
