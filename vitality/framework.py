"""The index framework as data: one metadata table defines a hierarchy of any depth.

A :class:`Framework` is built from an *indicator metadata table* with one row per node (indicator or
aggregate), in COINr's spelling (``iCode, Level, Parent, Direction, Weight, Type``) or vitality's
(``code, level, parent, ...``); the columns, and the checks run on them, are described in
:mod:`vitality.metadata`.  Everything is keyed by code, never by position.  This module holds the
hierarchy itself: its accessors (codes, levels, children, lineage, names), the weight matrices of each
aggregation step and the export back to a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

import numpy as np
import pandas as pd

from .errors import ConfigError
from .messages import suggest
from .metadata import DATA_TYPES, RESERVED_DATA_COLUMNS, STRUCTURAL_TYPES, check_data_columns, check_meta
from .weights import check_weights, custom

__all__ = ['STRUCTURAL_TYPES', 'DATA_TYPES', 'RESERVED_DATA_COLUMNS', 'LevelMatrix', 'Framework']


class LevelMatrix(NamedTuple):
    """Child-to-parent weight matrix of one aggregation step.

    ``matrix[i, j]`` is the share of child ``rows[i]`` in parent ``cols[j]`` (zero if ``rows[i]``
    is not a child of ``cols[j]``); every column sums to 1.  Scores of the parents are
    ``child_scores @ matrix`` (weighted arithmetic mean, no missing data).

    Returned by :meth:`Framework.level_matrix` and :meth:`Framework.membership`; unpacks as
    ``matrix, rows, cols``.

    Parameters
    ----------
    matrix : numpy.ndarray
        ``(len(rows), len(cols))`` weight (or 0/1 membership) matrix.
    rows : list of str
        Codes of the children (one level), in metadata order.
    cols : list of str
        Codes of the parents (the level above), in metadata order.

    Examples
    --------
        >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
    ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
    >>> fw = Framework.from_meta(meta)
    >>> matrix, rows, cols = fw.level_matrix(1)
    >>> rows, cols
    (['a', 'b', 'c'], ['econ', 'soc'])
    >>> matrix.round(3).tolist()
    [[0.667, 0.0], [0.333, 0.0], [0.0, 1.0]]
    """

    matrix: np.ndarray
    rows: list
    cols: list


@dataclass(eq=False)
class Framework:
    """An indicator hierarchy: indicators (level 1) -> aggregates -> ... -> one top node.

    Build it with :meth:`Framework.from_meta`; do not call the constructor directly.

    Parameters
    ----------
    columns : dict
        The checked metadata as column lists (``code, level, parent, type, direction, weight,
        name_en, name_zh, unit, target``), as assembled by :meth:`from_meta`.
    extra_columns : dict, optional
        See Attributes.
    weight_sets : dict, optional
        See Attributes.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per indicator or aggregate, indexed by code, in metadata order, with columns
        ``level, parent, type, direction, weight, name_en, name_zh, unit, target``.
    extra_columns : dict
        Codes of non-indicator data columns declared in the metadata (COINr ``Group``,
        ``Denominator``, ``Other`` rows) -> their type.
    weight_sets : dict
        Named weight sets (``pd.Series`` by code).  ``"meta"`` holds the metadata weights; add more
        with :meth:`add_weight_set`.  Built-in names (``equal_per_group``, ``equal_per_indicator``,
        ``entropy``, ``pca``) are resolved by :func:`vitality.weights.resolve_weights`.
    n_levels : int
        Number of levels (1 = indicators; the top node is at level ``n_levels``).
    order : list of str
        Codes in engine order: indicators first, then each aggregate level, the top node last.

    Examples
    --------
    Two domains (``econ`` with indicators ``a, b``; ``soc`` with ``c``) under one index; ``c`` is
    smaller-is-better and ``a`` weighs twice ``b`` inside ``econ``:

        >>> from vitality.framework import Framework
    >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
    ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
    ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
    >>> fw = Framework.from_meta(meta)
    >>> fw
    Framework(top='index': 3 at level 1, 2 at level 2, 1 at level 3)
    >>> fw.n_levels, fw.order
    (3, ['a', 'b', 'c', 'econ', 'soc', 'index'])
    >>> fw.effective_weights().round(3).tolist()
    [0.333, 0.167, 0.5]
    """

    columns: dict = field(repr=False)
    extra_columns: dict = field(default_factory=dict)
    weight_sets: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """The checked metadata, one row per indicator or aggregate, indexed by code.

        Returns
        -------
        pandas.DataFrame
            A copy, with columns ``level, parent, type, direction, weight, name_en, name_zh, unit,
            target``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.table.columns.tolist()
        ['level', 'parent', 'type', 'direction', 'weight', 'name_en', 'name_zh', 'unit', 'target']
        >>> fw.table["type"].tolist()
        ['Indicator', 'Indicator', 'Indicator', 'Aggregate', 'Aggregate', 'Aggregate']
        """
        t = getattr(self, "_table", None)
        if t is None:
            cols = dict(self.columns)
            codes = cols.pop("code")
            t = pd.DataFrame(cols, index=pd.Index(codes, name="code"))
            self._table = t
        return t.copy()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_meta(cls, meta: pd.DataFrame, *, data_columns: Iterable[str] | None = None) -> "Framework":
        """Read and check an indicator metadata table.

        Parameters
        ----------
        meta : pandas.DataFrame
            The metadata table, COINr layout (``iCode, Level, Parent, Direction, Weight, Type``,
            optional ``iName, Unit, Target``) or vitality layout (``code, level, parent, direction,
            weight, type, name_zh, name_en, unit, target``).  ``Level`` and ``Type`` may be omitted
            (inferred from the tree), ``Direction`` and ``Weight`` too (then +1 and 1).
        data_columns : iterable of str, optional
            Column names of the data the index will be built from.  If given, every indicator must
            have a column and every column must have a metadata row (COINr's reserved
            ``uCode, uName, Time`` excepted; pass the unit-code column name among them or drop it).

        Returns
        -------
        Framework

        Raises
        ------
        ConfigError
            Duplicate or blank code, unknown parent, cycle, orphan (a second node without parent,
            or an aggregate without children), inconsistent levels, direction not +1/-1, weight
            negative / missing / all zero within a group, a data column without metadata row or
            an indicator without data column.  The message names the codes and the fix.

        Examples
        --------
        COINr layout; ``Level`` and ``Type`` are inferred from the tree:

        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw
        Framework(top='index': 3 at level 1, 2 at level 2, 1 at level 3)
        >>> fw.levels
        {'a': 1, 'b': 1, 'c': 1, 'econ': 2, 'soc': 2, 'index': 3}

        vitality layout, with a non-indicator data column (a ``Denominator`` row) and the data's
        columns checked:

        >>> m = pd.DataFrame({"code": ["a", "b", "pop", "d", "top"], "parent": ["d", "d", None, "top", None],
        ...                   "type": ["Indicator", "Indicator", "Denominator", "Aggregate", "Aggregate"]})
        >>> f2 = Framework.from_meta(m, data_columns=["a", "b", "pop"])
        >>> f2.extra_columns
        {'pop': 'Denominator'}

        Problems are refused with the codes and the fix:

        >>> Framework.from_meta(meta.assign(Parent=["econ", "econ", "ecno", "index", "index", None]))
        Traceback (most recent call last):
        ...
        vitality.errors.ConfigError: metadata: unknown parent 'ecno' of 'c' (did you mean 'econ'?). Fix: ...
        """
        checked = check_meta(meta)
        fw = cls(columns=checked.columns, extra_columns=checked.extra_columns)
        fw._setup(checked.children, checked.levels, checked.parent, checked.direction, checked.weights)
        check_weights(fw, fw._weight_map, source="metadata Weight column")
        fw.weight_sets["meta"] = fw.weights
        if data_columns is not None:
            fw.check_data_columns(data_columns)
        return fw

    def copy(self) -> "Framework":
        """A copy sharing the (read-only) structure, with its own ``weight_sets``.

        Returns
        -------
        Framework
            Adding a weight set to the copy leaves the original unchanged.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw2 = fw.copy()
        >>> _ = fw2.add_weight_set("soc_heavy", {"soc": 3})
        >>> list(fw2.weight_sets), list(fw.weight_sets)
        (['meta', 'soc_heavy'], ['meta'])
        """
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.weight_sets = dict(self.weight_sets)
        return new

    def _setup(self, children: Mapping[str, list], levels: Mapping, parent: Mapping, direction: Mapping,
               weights: Mapping) -> None:
        self._codes = list(self.columns["code"])
        self._level = {c: int(levels[c]) for c in self._codes}
        self._parent = {c: parent[c] for c in self._codes}
        self._children = {c: list(children[c]) for c in self._codes}
        self.n_levels = int(max(self._level.values()))
        self._by_level = {lv: [c for c in self._codes if self._level[c] == lv] for lv in range(1, self.n_levels + 1)}
        self._top = self._by_level[self.n_levels][0]
        # engine layout: indicators first, then each aggregate level, top last
        self.order = [c for lv in range(1, self.n_levels + 1) for c in self._by_level[lv]]
        self._pos = {c: i for i, c in enumerate(self.order)}
        inds = self._by_level[1]
        self._direction_arr = np.array([direction[c] for c in inds], dtype=float)
        self._direction = None
        self._weight_map = {c: float(weights[c]) for c in self._codes}
        self._weights = None
        # padded child-index arrays, one per aggregation step (level lv -> lv + 1); in _gpads the same by position
        # in `order`, a pad pointing one past the last code (the engine's all-missing, zero-weight column)
        self._pads = {}
        self._gpads = {}
        start = 0
        for lv in range(1, self.n_levels):
            kids = self._by_level[lv]
            local = {c: i for i, c in enumerate(kids)}
            parents = self._by_level[lv + 1]
            k = max(len(self._children[p]) for p in parents)
            idx = np.full((len(parents), k), len(kids), dtype=np.intp)  # pad -> extra zero column
            for j, p in enumerate(parents):
                ch = [local[c] for c in self._children[p]]
                idx[j, :len(ch)] = ch
            self._pads[lv] = idx
            self._gpads[lv] = np.where(idx == len(kids), len(self.order), idx + start)
            start += len(kids)

    # ------------------------------------------------------------------ accessors
    @property
    def codes(self) -> list:
        """All indicator and aggregate codes, in metadata order.

        Returns
        -------
        list of str
            A new list.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.codes
        ['a', 'b', 'c', 'econ', 'soc', 'index']
        """
        return list(self._codes)

    @property
    def indicators(self) -> list:
        """Indicator codes (level 1), in metadata order.

        Returns
        -------
        list of str
            A new list.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.indicators
        ['a', 'b', 'c']
        """
        return list(self._by_level[1])

    @property
    def aggregates(self) -> list:
        """Aggregate codes, level 2 first, the top node last.

        Returns
        -------
        list of str
            A new list.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.aggregates
        ['econ', 'soc', 'index']
        """
        return [c for lv in range(2, self.n_levels + 1) for c in self._by_level[lv]]

    @property
    def top(self) -> str:
        """Code of the single top node (the index).

        Returns
        -------
        str
            The code.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.top
        'index'
        """
        return self._top

    @property
    def parent(self) -> dict:
        """code -> parent code (``None`` for the top node).

        Returns
        -------
        dict
            A new dict, in metadata order.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.parent
        {'a': 'econ', 'b': 'econ', 'c': 'soc', 'econ': 'index', 'soc': 'index', 'index': None}
        """
        return dict(self._parent)

    @property
    def levels(self) -> dict:
        """code -> level (1 = indicator).

        Returns
        -------
        dict
            A new dict, in metadata order.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.levels
        {'a': 1, 'b': 1, 'c': 1, 'econ': 2, 'soc': 2, 'index': 3}
        """
        return dict(self._level)

    def codes_at(self, level: int) -> list:
        """Codes at ``level`` (1 = indicators), in metadata order.

        Parameters
        ----------
        level : int
            A level of the framework, 1 to :attr:`n_levels`.

        Returns
        -------
        list of str
            The codes (a :class:`~vitality.errors.ConfigError` for a level that does not exist).

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.codes_at(2)
        ['econ', 'soc']
        >>> fw.codes_at(3)
        ['index']
        """
        if level not in self._by_level:
            raise ConfigError(f"level {level!r} does not exist; this framework has levels 1..{self.n_levels}.")
        return list(self._by_level[level])

    def children(self, code: str) -> list:
        """Codes of the children of ``code`` (empty for an indicator).

        Parameters
        ----------
        code : str
            Any indicator or aggregate code.

        Returns
        -------
        list of str
            The children, in metadata order.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.children("econ")
        ['a', 'b']
        >>> fw.children("a")
        []
        """
        self._check_code(code)
        return list(self._children[code])

    def descendants(self, code: str, level: int = 1) -> list:
        """Codes at ``level`` below ``code`` (by default the indicators feeding it).

        Parameters
        ----------
        code : str
            Any indicator or aggregate code.
        level : int, default 1
            Level of the descendants wanted.

        Returns
        -------
        list of str
            The descendants at ``level``, in tree order.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.descendants("index")
        ['a', 'b', 'c']
        >>> fw.descendants("index", 2)
        ['econ', 'soc']
        """
        self._check_code(code)
        out, stack = [], [code]
        while stack:
            c = stack.pop(0)
            if self._level[c] == level:
                out.append(c)
            elif self._level[c] > level:
                stack[0:0] = self._children[c]
        return out

    def lineage(self) -> pd.DataFrame:
        """One row per indicator, one column per level: the code of its ancestor at that level.

        Returns
        -------
        pandas.DataFrame
            Indexed by indicator code, columns ``level_1`` (the indicator itself) to
            ``level_<n_levels>`` (the top node).

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> lin = fw.lineage()
        >>> lin.columns.tolist()
        ['level_1', 'level_2', 'level_3']
        >>> lin["level_2"].to_dict()
        {'a': 'econ', 'b': 'econ', 'c': 'soc'}
        """
        rows = {}
        for c in self.indicators:
            chain, p = [c], self._parent[c]
            while p is not None:
                chain.append(p)
                p = self._parent[p]
            rows[c] = chain
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=[f"level_{lv}" for lv in range(1, self.n_levels + 1)])

    @property
    def direction(self) -> pd.Series:
        """Direction (+1 / -1) of each indicator, indexed by code.

        Returns
        -------
        pandas.Series
            ``int64``, named ``direction``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.direction.to_dict()
        {'a': 1, 'b': 1, 'c': -1}
        """
        if self._direction is None:
            inds = self._by_level[1]
            self._direction = pd.Series(self._direction_arr.astype("int64"), index=inds, name="direction")
        return self._direction.copy()

    @property
    def weights(self) -> pd.Series:
        """Raw metadata weights of every node (relative within each parent's group), by code.

        Returns
        -------
        pandas.Series
            Floats, named ``weight`` (the top node's blank weight reads 1).

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.weights.to_dict()
        {'a': 2.0, 'b': 1.0, 'c': 1.0, 'econ': 1.0, 'soc': 1.0, 'index': 1.0}
        """
        if self._weights is None:
            self._weights = pd.Series(list(self._weight_map.values()), index=list(self._weight_map), name="weight")
        return self._weights.copy()

    @property
    def targets(self) -> pd.Series:
        """Target of each indicator from the metadata (NaN where none), by code.

        Returns
        -------
        pandas.Series
            Floats, named ``target``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.targets.tolist()  # no Target column
        [nan, nan, nan]
        >>> Framework.from_meta(meta.assign(Target=[10, 20, 5, None, None, None])).targets.to_dict()
        {'a': 10.0, 'b': 20.0, 'c': 5.0}
        """
        t = dict(zip(self.columns["code"], self.columns["target"]))
        return pd.Series([t[c] for c in self.indicators], index=self.indicators, name="target", dtype=float)

    def names(self, lang: str = "en") -> pd.Series:
        """Names by code (``lang`` = ``"en"`` or ``"zh"``), falling back to the code.

        Parameters
        ----------
        lang : {"en", "zh"}, default "en"
            ``name_en`` (COINr's ``iName``) or ``name_zh``.

        Returns
        -------
        pandas.Series
            Name of every indicator and aggregate, named ``name``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> named = Framework.from_meta(meta.assign(name_zh=["甲", "乙", "丙", "经济", None, "指数"]))
        >>> named.names("zh").to_dict()  # soc has no Chinese name: its code stands in
        {'a': '甲', 'b': '乙', 'c': '丙', 'econ': '经济', 'soc': 'soc', 'index': '指数'}
        """
        if lang not in ("en", "zh"):
            raise ConfigError(f"lang must be 'en' or 'zh', got {lang!r}.")
        s = self.table[f"name_{lang}"]
        return s.where(s.notna(), pd.Series(self.table.index, index=self.table.index)).rename("name")

    def _check_code(self, code) -> None:
        if code not in self._level:
            raise ConfigError(f"unknown code {code!r}{suggest(code, self._codes)}.")

    # ------------------------------------------------------------------ data columns
    def check_data_columns(self, columns: Iterable[str], *, ignore: Iterable[str] = ()) -> None:
        """Check that the data has one column per indicator and no column without metadata.

        Columns named in ``ignore``, COINr's reserved ``uCode, uName, Time`` and the codes of
        ``Group``/``Denominator``/``Other`` metadata rows are allowed without being indicators.

        Parameters
        ----------
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
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.check_data_columns(["uCode", "a", "b", "c"])
        >>> fw.check_data_columns(["a", "b", "c", "city"], ignore=["city"])
        >>> fw.check_data_columns(["a", "b"])
        Traceback (most recent call last):
        ...
        vitality.errors.ConfigError: indicator(s) 'c' have a metadata row but no data column. Fix: ...
        """
        check_data_columns(self, columns, ignore=ignore)

    # ------------------------------------------------------------------ weights as matrices
    def _weights_vector(self, weights=None) -> np.ndarray:
        """Weights aligned to :attr:`order` (checked)."""
        if weights is None:
            w = self.weights
        else:
            w = custom(self, weights)  # codes not given keep their metadata weight; checked
        return w.reindex(self.order).to_numpy(dtype=float)

    def membership(self, level: int) -> LevelMatrix:
        """0/1 matrix: ``matrix[i, j] = 1`` if child ``rows[i]`` (at ``level``) belongs to ``cols[j]``.

        Parameters
        ----------
        level : int
            Level of the children, 1 to ``n_levels - 1``.

        Returns
        -------
        LevelMatrix
            ``(matrix, rows, cols)`` with ``rows`` the codes at ``level`` and ``cols`` those at
            ``level + 1``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> B = fw.membership(1)
        >>> B.rows, B.cols
        (['a', 'b', 'c'], ['econ', 'soc'])
        >>> B.matrix.tolist()
        [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
        """
        if level not in range(1, self.n_levels):
            raise ConfigError(f"level must be in 1..{self.n_levels - 1} (the children of an aggregation "
                              f"step), got {level!r}.")
        rows, cols = self._by_level[level], self._by_level[level + 1]
        cpos = {c: j for j, c in enumerate(cols)}
        M = np.zeros((len(rows), len(cols)))
        M[np.arange(len(rows)), [cpos[self._parent[c]] for c in rows]] = 1.0
        return LevelMatrix(M, list(rows), list(cols))

    def level_matrix(self, level: int, weights=None) -> LevelMatrix:
        """Normalised weight matrix aggregating ``level`` into ``level + 1``.

        Parameters
        ----------
        level : int
            Level of the children (1 = indicators -> level-2 aggregates).
        weights : pandas.Series or dict, optional
            Weights keyed by code (default: the metadata weights; codes not given keep theirs).

        Returns
        -------
        LevelMatrix
            ``(matrix, rows, cols)``: ``matrix[i, j] = w_i / sum(w_k for k in group j)`` if child
            ``rows[i]`` belongs to parent ``cols[j]``, else 0; columns sum to 1.

        Notes
        -----
        For many weight sets at once (Monte Carlo), use :meth:`membership`: with ``W`` of shape
        ``(S, n_children)`` the stacked matrices are
        ``W[:, :, None] * B / (W @ B)[:, None, :]`` where ``B = membership(level).matrix``.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.level_matrix(1).matrix.round(3).tolist()  # a weighs 2, b 1 within econ
        [[0.667, 0.0], [0.333, 0.0], [0.0, 1.0]]
        >>> fw.level_matrix(1, {"a": 1}).matrix.tolist()
        [[0.5, 0.0], [0.5, 0.0], [0.0, 1.0]]
        """
        B = self.membership(level)
        w = pd.Series(self._weights_vector(weights), index=self.order).reindex(B.rows).to_numpy()
        tot = w @ B.matrix
        M = (w[:, None] * B.matrix) / tot[None, :]
        return LevelMatrix(M, B.rows, B.cols)

    def effective_weights(self, weights=None) -> pd.Series:
        """Share of each indicator in the top score under weighted arithmetic aggregation.

        The effective weight of indicator *i* is the product, along its path to the top, of each
        node's weight divided by the sum of its siblings' weights.  The result sums to 1.

        Parameters
        ----------
        weights : pandas.Series or dict, optional
            Weights keyed by code (default: the metadata weights; codes not given keep theirs).

        Returns
        -------
        pandas.Series
            Effective weight of every indicator (``name="effective_weight"``), summing to 1.

        Notes
        -----
        Under geometric aggregation at every level the weights are exponents, not shares; the same numbers are
        then the elasticities of the index with respect to each indicator.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.effective_weights().round(3).to_dict()
        {'a': 0.333, 'b': 0.167, 'c': 0.5}
        >>> fw.effective_weights({"soc": 3}).round(3).tolist()
        [0.167, 0.083, 0.75]
        """
        v = np.ones(1)
        for lv in range(self.n_levels - 1, 0, -1):
            v = self.level_matrix(lv, weights).matrix @ v
        return pd.Series(v, index=self.indicators, name="effective_weight")

    def add_weight_set(self, name: str, weights) -> pd.Series:
        """Store a named weight set (keyed by code; codes not given keep their metadata weight).

        Parameters
        ----------
        name : str
            Name under which the set is stored in :attr:`weight_sets` (replaces a set of that name).
        weights : dict or pandas.Series
            Weights keyed by code.

        Returns
        -------
        pandas.Series
            The complete, checked weight set (as :func:`vitality.weights.custom`).

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.add_weight_set("soc_heavy", {"soc": 3}).to_dict()
        {'a': 2.0, 'b': 1.0, 'c': 1.0, 'econ': 1.0, 'soc': 3.0, 'index': 1.0}
        >>> list(fw.weight_sets)
        ['meta', 'soc_heavy']
        """
        w = custom(self, weights)
        self.weight_sets[str(name)] = w
        return w

    # ------------------------------------------------------------------ export
    def to_meta(self, layout: str = "coinr") -> pd.DataFrame:
        """The metadata table back, in COINr layout (``iCode, iName, Level, ...``) or ``"vitality"``.

        Parameters
        ----------
        layout : {"coinr", "vitality"}, default "coinr"
            Column names and order of the table.

        Returns
        -------
        pandas.DataFrame
            One row per indicator and aggregate, levels and types filled in; readable again by
            :meth:`from_meta`.

        Examples
        --------
        >>> from vitality.framework import Framework
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "c", "econ", "soc", "index"],
        ...                      "Parent": ["econ", "econ", "soc", "index", "index", None],
        ...                      "Direction": [1, 1, -1, None, None, None], "Weight": [2, 1, 1, 1, 1, None]})
        >>> fw = Framework.from_meta(meta)
        >>> fw.to_meta().columns.tolist()
        ['iCode', 'iName', 'name_zh', 'Level', 'Parent', 'Direction', 'Weight', 'Unit', 'Target', 'Type']
        >>> fw.to_meta("vitality")["level"].tolist()
        [1, 1, 1, 2, 2, 3]
        >>> Framework.from_meta(fw.to_meta()).codes == fw.codes
        True
        """
        t = self.table.reset_index()
        if layout == "vitality":
            return t[["code", "name_zh", "name_en", "level", "parent", "direction", "weight", "unit", "type",
                      "target"]]
        if layout != "coinr":
            raise ConfigError(f"layout must be 'coinr' or 'vitality', got {layout!r}.")
        out = pd.DataFrame({
            "iCode": t["code"], "iName": t["name_en"], "name_zh": t["name_zh"], "Level": t["level"],
            "Parent": t["parent"], "Direction": t["direction"], "Weight": t["weight"], "Unit": t["unit"],
            "Target": t["target"], "Type": t["type"],
        })
        return out

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self._by_level[lv])} at level {lv}" for lv in range(1, self.n_levels + 1))
        return f"Framework(top={self.top!r}: {counts})"
