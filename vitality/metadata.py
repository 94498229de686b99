"""Reading and checking an indicator metadata table: the rows of a :class:`~vitality.framework.Framework`.

:func:`check_meta` reads the table in either spelling (COINr's ``iCode, Level, Parent, ...`` or vitality's
``code, level, parent, ...``, matched case-insensitively; the columns are listed below), infers what may be omitted (levels, types, directions, weights) and refuses every
inconsistency with a :class:`~vitality.errors.ConfigError` naming the codes and the fix.  The tree it returns
is turned into a framework by :meth:`vitality.framework.Framework.from_meta`, the one public way in.

The table is read in either of two spellings:

===============  ===================  ==========================================================
COINr (``iMeta``) vitality            meaning
===============  ===================  ==========================================================
``iCode``        ``code``             unique code of the node (used as the data column name)
``Level``        ``level``            1 = indicator, 2 = first aggregate level, ... (optional)
``Parent``       ``parent``           code of the node one level up; empty for the top node
``Direction``    ``direction``        +1 = larger is better, -1 = smaller is better (indicators)
``Weight``       ``weight``           weight of the node inside its parent's group (relative)
``Type``         ``type``             ``Indicator`` / ``Aggregate`` (``Group``, ``Denominator``,
                                      ``Other`` = a non-indicator data column, as in COINr)
``iName``        ``name_en``          English name
\\-               ``name_zh``          Chinese name
``Unit``         ``unit``             unit of measurement
``Target``       ``target``           target value (for ``dist_target`` normalisation)
===============  ===================  ==========================================================

Column names are matched case-insensitively.  Everything is keyed by code, never by position.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import ConfigError
from .messages import fmt_codes, suggest

__all__ = ['STRUCTURAL_TYPES', 'DATA_TYPES', 'RESERVED_DATA_COLUMNS', 'CheckedMeta', 'check_meta',
           'check_data_columns']

#: canonical column name for each accepted spelling (lower-cased)
_COLUMN_ALIASES = {
    "icode": "code", "code": "code",
    "level": "level",
    "parent": "parent",
    "direction": "direction",
    "weight": "weight",
    "type": "type",
    "iname": "name_en", "name_en": "name_en", "name": "name_en",
    "name_zh": "name_zh",
    "unit": "unit",
    "target": "target",
    "denominator": "denominator",
}
#: node types that take part in the hierarchy
STRUCTURAL_TYPES = ("Indicator", "Aggregate")
#: COINr row types that describe a non-indicator data column (kept, never aggregated)
DATA_TYPES = ("Group", "Denominator", "Other")
#: data columns that need no metadata row (COINr's reserved unit columns)
RESERVED_DATA_COLUMNS = ("uCode", "uName", "Time")



def _blank(v) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, str):
        return not v.strip()
    return isinstance(v, float) and v != v


class CheckedMeta(NamedTuple):
    """A metadata table read and checked by :func:`check_meta`: the tree and the node attributes.

    Parameters
    ----------
    columns : dict
        The indicator and aggregate rows as column lists (``code, level, parent, type, direction,
        weight, name_en, name_zh, unit, target``), in metadata order.
    extra_columns : dict
        Codes of ``Group`` / ``Denominator`` / ``Other`` rows -> their type.
    children : dict
        Code -> list of its children's codes (in metadata order; empty for an indicator).
    levels : dict
        Code -> level (1 = indicator).
    parent : dict
        Code -> parent code (``None`` for the top node).
    direction : dict
        Indicator code -> +1 or -1.
    weights : dict
        Code -> weight inside its parent's group (the top node's is 1).

    Examples
    --------
    >>> from vitality.metadata import check_meta
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "econ"], "Parent": ["econ", "econ", None]})
    >>> checked = check_meta(meta)
    >>> checked.children["econ"], checked.levels
    (['a', 'b'], {'a': 1, 'b': 1, 'econ': 2})
    """

    columns: dict
    extra_columns: dict
    children: dict
    levels: dict
    parent: dict
    direction: dict
    weights: dict


def _canonical_columns(meta: pd.DataFrame) -> dict:
    rename = {}
    owner: dict[str, str] = {}
    for c in meta.columns:
        key = _COLUMN_ALIASES.get(str(c).strip().lower())
        if key is None:
            continue
        if key in owner:
            raise ConfigError(f"metadata: columns {owner[key]!r} and {c!r} both give the {key!r}. Fix: keep one.")
        owner[key] = c
        rename[c] = key
    if "code" not in owner:
        raise ConfigError(f"metadata has no code column (iCode or code); it has {list(map(str, meta.columns))}.")
    if "parent" not in owner:
        raise ConfigError("metadata has no Parent column. Fix: add Parent (the code one level up; empty for the "
                          "top node).")
    return {key: meta[col].tolist() for col, key in rename.items()}



def check_meta(meta: pd.DataFrame) -> CheckedMeta:
    """Read and check an indicator metadata table (either spelling); infer levels, types and defaults.

    Parameters
    ----------
    meta : pandas.DataFrame
        The metadata table, COINr layout (``iCode, Level, Parent, Direction, Weight, Type``, optional
        ``iName, Unit, Target``) or vitality layout (``code, level, parent, direction, weight, type,
        name_zh, name_en, unit, target``).  ``Level`` and ``Type`` may be omitted (inferred from the
        tree), ``Direction`` and ``Weight`` too (then +1 and 1).

    Returns
    -------
    CheckedMeta
        The columns of the indicator and aggregate rows, the non-indicator data columns and the tree
        (children, levels, parents, directions, weights).  Weight groups are checked afterwards by
        :meth:`vitality.framework.Framework.from_meta` (through :func:`vitality.weights.check_weights`).

    Raises
    ------
    ConfigError
        Duplicate or blank code, unknown parent, cycle, orphan, inconsistent levels, direction not
        +1/-1, a weight or target that is not a number.  The message names the codes and the fix.

    Examples
    --------
    >>> from vitality.metadata import check_meta
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
    ...                      "Direction": [1, 1, -1, None, None, None]})
    >>> checked = check_meta(meta)
    >>> checked.columns["type"]
    ['Indicator', 'Indicator', 'Indicator', 'Aggregate', 'Aggregate', 'Aggregate']
    >>> checked.direction, checked.parent["soc"]
    ({'a': 1, 'b': 1, 'c': -1}, 'index')
    >>> check_meta(meta.assign(iCode=["a", "a", "c", "econ", "soc", "index"]))
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: metadata: duplicate code(s): 'a' on lines [2, 3]. Fix: every code must be unique.
    """
    if not isinstance(meta, pd.DataFrame):
        raise ConfigError(f"metadata must be a pandas DataFrame, got {type(meta).__name__}.")
    m = _canonical_columns(meta)
    n = len(meta)
    if n == 0:
        raise ConfigError("metadata table is empty. Fix: give one row per indicator and aggregate.")
    line = np.arange(n) + 2  # line numbers in a CSV file with a header line

    # codes ----------------------------------------------------------------
    codes = [None if _blank(c) else str(c).strip() for c in m["code"]]
    blank = [int(line[i]) for i, c in enumerate(codes) if c is None]
    if blank:
        raise ConfigError(f"metadata: blank code on line(s) {blank}. Fix: give every row a unique code "
                          "(iCode).")
    seen: dict[str, int] = {}
    dups = {}
    for i, c in enumerate(codes):
        if c in seen:
            dups.setdefault(c, [seen[c]]).append(int(line[i]))
        else:
            seen[c] = int(line[i])
    if dups:
        detail = "; ".join(f"{c!r} on lines {ls}" for c, ls in dups.items())
        raise ConfigError(f"metadata: duplicate code(s): {detail}. Fix: every code must be unique.")

    # types ----------------------------------------------------------------
    parents_raw = [None if _blank(p) else str(p).strip() for p in
                   (m["parent"] if "parent" in m else [None] * n)]
    if "type" in m:
        types = []
        lookup = {t.lower(): t for t in STRUCTURAL_TYPES + DATA_TYPES}
        for i, t in enumerate(m["type"]):
            if _blank(t):
                types.append(None)
            elif str(t).strip().lower() in lookup:
                types.append(lookup[str(t).strip().lower()])
            else:
                raise ConfigError(f"metadata: code {codes[i]!r} has Type {t!r}; valid types are "
                                  f"{list(STRUCTURAL_TYPES + DATA_TYPES)}.")
    else:
        types = [None] * n
    extra = {codes[i]: types[i] for i in range(n) if types[i] in DATA_TYPES}
    struct = [i for i in range(n) if types[i] not in DATA_TYPES]
    if not struct:
        raise ConfigError("metadata: no indicator or aggregate rows. Fix: add rows of Type 'Indicator' "
                          "and 'Aggregate'.")
    s_codes = [codes[i] for i in struct]
    s_set = set(s_codes)
    parent = {codes[i]: parents_raw[i] for i in struct}

    # parents ----------------------------------------------------------------
    for c, p in parent.items():
        if p is None:
            continue
        if p == c:
            raise ConfigError(f"metadata: {c!r} is its own parent (a cycle). Fix: set Parent to the code "
                              "one level up.")
        if p not in s_set:
            if p in extra:
                raise ConfigError(f"metadata: parent {p!r} of {c!r} is a {extra[p]} row, not an aggregate. "
                                  "Fix: point Parent at an aggregate code.")
            raise ConfigError(f"metadata: unknown parent {p!r} of {c!r}{suggest(p, s_codes)}. Fix: add a "
                              f"row for {p!r} (Type 'Aggregate') or correct the Parent.")

    # cycles -------------------------------------------------------------------
    state: dict[str, int] = {}
    for start in s_codes:
        path = []
        c = start
        while c is not None and state.get(c, 0) == 0:
            state[c] = 1
            path.append(c)
            c = parent[c]
        if c is not None and state.get(c) == 1:
            cyc = path[path.index(c):] + [c]
            raise ConfigError(f"metadata: cycle in the hierarchy: {' -> '.join(cyc)}. Fix: every chain of "
                              "Parent must end at the single top node.")
        for p_ in path:
            state[p_] = 2

    # children, roots, orphans ---------------------------------------------------
    children: dict[str, list] = {c: [] for c in s_codes}
    for c in s_codes:
        if parent[c] is not None:
            children[parent[c]].append(c)
    roots = [c for c in s_codes if parent[c] is None]
    for i in struct:
        c = codes[i]
        if types[i] is None:
            types[i] = "Aggregate" if children[c] else "Indicator"
    s_type = {codes[i]: types[i] for i in struct}
    bad_ind = [c for c in s_codes if s_type[c] == "Indicator" and children[c]]
    if bad_ind:
        c = bad_ind[0]
        raise ConfigError(f"metadata: indicator {c!r} is the parent of {fmt_codes(children[c])}. Fix: set its "
                          "Type to 'Aggregate', or correct the children's Parent.")
    empty_agg = [c for c in s_codes if s_type[c] == "Aggregate" and not children[c]]
    if empty_agg:
        raise ConfigError(f"metadata: orphan aggregate(s) {fmt_codes(empty_agg)}: no row names them as Parent. "
                          "Fix: remove them or attach indicators to them.")
    if len(roots) > 1:
        # the top is the root with the most descendants; the others are orphans
        def size(c):
            return 1 + sum(size(k) for k in children[c])
        top = max(roots, key=size)
        orphans = [r for r in roots if r != top]
        raise ConfigError(f"metadata: orphan node(s) {fmt_codes(orphans)} have no Parent; only the top node "
                          f"({top!r}) may have an empty Parent. Fix: give them a Parent.")
    top = roots[0]
    if s_type[top] == "Indicator":
        raise ConfigError(f"metadata: the top node {top!r} is an indicator: no aggregate to build. Fix: add "
                          "at least one aggregate level.")

    # levels ---------------------------------------------------------------------
    depth = {top: 0}
    order = [top]
    for c in order:
        for k in children[c]:
            depth[k] = depth[c] + 1
            order.append(k)
    leaves = [c for c in s_codes if not children[c]]
    max_depth = max(depth[c] for c in leaves)
    uneven = [c for c in leaves if depth[c] != max_depth]
    has_level = "level" in m and not all(_blank(m["level"][i]) for i in struct)
    if has_level:
        levels = {}
        for i in struct:
            v = m["level"][i]
            try:
                lv = float(v)
            except (TypeError, ValueError):
                lv = np.nan
            if not np.isfinite(lv) or lv != int(lv) or lv < 1:
                raise ConfigError(f"metadata: code {codes[i]!r} (line {int(line[i])}) has Level {v!r}; "
                                  "levels are whole numbers 1 (indicator), 2, 3, ...")
            levels[codes[i]] = int(lv)
        bad_lv = [c for c in leaves if levels[c] != 1]
        if bad_lv:
            raise ConfigError(f"metadata: indicator(s) {fmt_codes(bad_lv)} are not at Level 1. Fix: indicators are "
                              "Level 1; aggregates one level above their children.")
        for c in s_codes:
            p = parent[c]
            if p is not None and levels[p] != levels[c] + 1:
                raise ConfigError(f"metadata: {c!r} is at Level {levels[c]} but its parent {p!r} is at "
                                  f"Level {levels[p]}. Fix: a parent is exactly one level above its "
                                  "children (insert an intermediate aggregate if needed).")
    else:
        if uneven:
            raise ConfigError(f"metadata: indicators sit at different depths (e.g. {fmt_codes(uneven, 3)}), so "
                              "levels cannot be inferred. Fix: add a Level column and intermediate "
                              "aggregates so that every indicator is Level 1.")
        levels = {c: max_depth - depth[c] + 1 for c in s_codes}

    # direction ----------------------------------------------------------------------
    direction = {}
    dcol = m["direction"] if "direction" in m else [1] * n
    for i in struct:
        c = codes[i]
        v = dcol[i]
        if s_type[c] != "Indicator":
            continue
        try:
            dv = float(v)
        except (TypeError, ValueError):
            dv = np.nan
        if dv not in (1.0, -1.0):
            raise ConfigError(f"metadata: indicator {c!r} has Direction {v!r}; it must be 1 (larger is "
                              "better) or -1 (smaller is better).")
        direction[c] = int(dv)

    # weights ---------------------------------------------------------------------------
    wcol = m["weight"] if "weight" in m else [1.0] * n
    weights = {}
    for i in struct:
        c = codes[i]
        v = wcol[i]
        try:
            wv = float(v)
        except (TypeError, ValueError):
            raise ConfigError(f"metadata: {c!r} has Weight {v!r}, not a number.") from None
        if c == top and not np.isfinite(wv):
            wv = 1.0  # the top node's weight is never used
        weights[c] = wv

    # assemble -----------------------------------------------------------------------------
    def col(name):
        if name not in m:
            return [None] * len(struct)
        vals = m[name]
        return [None if _blank(vals[i]) else vals[i] for i in struct]

    tcol = col("target")
    target = []
    for c, v in zip(s_codes, tcol):
        try:
            target.append(np.nan if v is None else float(v))
        except (TypeError, ValueError):
            raise ConfigError(f"metadata: {c!r} has Target {v!r}, not a number.") from None
    columns = {
        "code": s_codes,
        "level": [levels[c] for c in s_codes],
        "parent": [parent[c] for c in s_codes],
        "type": [s_type[c] for c in s_codes],
        "direction": [direction.get(c, np.nan) for c in s_codes],
        "weight": [weights[c] for c in s_codes],
        "name_en": [None if v is None else str(v) for v in col("name_en")],
        "name_zh": [None if v is None else str(v) for v in col("name_zh")],
        "unit": [None if v is None else str(v) for v in col("unit")],
        "target": target,
    }

    return CheckedMeta(columns, extra, children, levels, parent, direction, weights)


def check_data_columns(framework, columns, *, ignore=()) -> None:
    """Check that the data has one column per indicator of ``framework`` and no column without metadata.

    Columns named in ``ignore``, COINr's reserved ``uCode, uName, Time`` (:data:`RESERVED_DATA_COLUMNS`)
    and the codes of ``Group``/``Denominator``/``Other`` metadata rows are allowed without being
    indicators.  :meth:`vitality.framework.Framework.check_data_columns` calls this.

    Parameters
    ----------
    framework : Framework
        The framework whose indicators the data must hold.
    columns : iterable of str
        Column names of the data.
    ignore : iterable of str, optional
        Further columns to allow (e.g. a unit-name column).

    Returns
    -------
    None
        Returns quietly when the columns match.

    Raises
    ------
    ConfigError
        An indicator without a column, an aggregate code among the columns, or a column without a
        metadata row.

    Examples
    --------
    >>> from vitality.framework import Framework
    >>> from vitality.metadata import check_data_columns
    >>> fw = Framework.from_meta(pd.DataFrame({"iCode": ["a", "b", "econ"], "Parent": ["econ", "econ", None]}))
    >>> check_data_columns(fw, ["uCode", "a", "b"])
    >>> check_data_columns(fw, ["a", "b", "econ"])
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: data column(s) 'econ' are aggregate codes; aggregates are computed, not read. ...
    """
    cols = [str(c) for c in columns]
    inds = framework.indicators
    allowed = set(inds) | set(framework.extra_columns) | set(RESERVED_DATA_COLUMNS) | {str(c) for c in ignore}
    colset = set(cols)
    missing = [c for c in inds if c not in colset]
    if missing:
        raise ConfigError(f"indicator(s) {fmt_codes(missing)} have a metadata row but no data column"
                          f"{suggest(missing[0], cols)}. Fix: add the column(s) to the data or remove "
                          "the row(s) from the metadata.")
    levels = framework.levels
    aggs = [c for c in cols if c in levels and levels[c] > 1]
    if aggs:
        raise ConfigError(f"data column(s) {fmt_codes(aggs)} are aggregate codes; aggregates are computed, not "
                          "read. Fix: drop those columns from the data.")
    unknown = [c for c in cols if c not in allowed]
    if unknown:
        raise ConfigError(f"data column(s) {fmt_codes(unknown)} have no metadata row"
                          f"{suggest(unknown[0], framework.indicators)}. Fix: add a metadata row for each "
                          "(Type 'Indicator' to use it, or 'Other'/'Group' to carry it along), or drop the "
                          "column(s).")
