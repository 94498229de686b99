"""Writing large numeric tables as CSV quickly, byte for byte as :meth:`pandas.DataFrame.to_csv`.

pandas formats every float through ``numpy.ndarray.astype(str)`` (or ``float_format % x``) block
by block, about 1.5 µs a value; :func:`write_csv` formats columns with Python's ``repr`` (the
same shortest round-trip digits) or ``float_format``, joins rows in blocks of ``rows`` lines and
streams them to the file (``.gz``: gzip with no time stamp, so reruns are byte-identical).  Any
frame it does not handle exactly (a MultiIndex, text needing quotes, an unusual dtype) is
written by pandas itself, so the output is always what ``to_csv`` writes.

A table whose columns are all float64 (written without ``float_format``) or all integers (numpy or
``Int64``, e.g. ranks) is formatted a whole block at a time by orjson (a dependency; when it is not
installed ``repr`` writes; ~0.05 µs a value instead of ~0.3-1 µs for ``repr``): orjson writes the same shortest
round-trip digits as ``repr``, and the cells it writes differently (``0 < |x| < 1e-4``, which
``repr`` writes as ``1e-05``; infinities) are written by ``repr``.  orjson's output is checked
against ``repr`` on probe values the first time; if it ever differs, ``repr`` writes everything.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ['open_text', 'write_csv']

_NEEDS_QUOTES = (",", '"', "\n", "\r")


def open_text(path: Path):
    """A text stream writing ``path``: gzip-compressed (``mtime`` 0, no file name) when it ends in ``.gz``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write (created or overwritten).  A ``.gz`` suffix gives a gzip stream with no
        time stamp and no file name in its header, so the same text gives the same bytes on a rerun.

    Returns
    -------
    context manager
        A UTF-8 text stream with ``write`` (newlines written as given), to be used in a ``with``
        block, which closes it (and, for ``.gz``, the gzip and file streams under it).

    Examples
    --------
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("a.csv", "a.csv.gz", "b.csv.gz"):
    ...         with open_text(Path(tmp) / name) as f:
    ...             _ = f.write("x,y\\n1,2\\n")
    ...     plain = (Path(tmp) / "a.csv").read_bytes()
    ...     packed = [(Path(tmp) / n).read_bytes() for n in ("a.csv.gz", "b.csv.gz")]
    >>> plain
    b'x,y\\n1,2\\n'
    >>> gzip.decompress(packed[0]) == plain, packed[0] == packed[1]
    (True, True)
    """
    path = Path(path)
    if path.suffix == ".gz":
        raw = open(path, "wb")
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        return _Closing(io.TextIOWrapper(gz, encoding="utf-8", newline=""), gz, raw)
    return open(path, "w", encoding="utf-8", newline="")


def _open_bytes(path: Path):
    """A stream taking UTF-8 bytes for ``path``: the file itself, or for ``.gz`` the text stream of
    :func:`open_text` (fed the same text in the same pieces, so the compressed bytes stay the same)."""
    if path.suffix == ".gz":
        return _Decoding(open_text(path))
    return open(path, "wb")


class _Decoding:
    def __init__(self, text):
        self.text = text

    def write(self, b: bytes):
        return self.text.write(b.decode("utf-8"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.text.__exit__(*exc)


class _Closing:
    def __init__(self, text, *others):
        self.text, self.others = text, others

    def write(self, s):
        return self.text.write(s)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.text.close()
        for o in self.others:
            o.close()


def _text(values) -> list | None:
    """Strings of an object column (None/NaN -> ''), or None when one would need quotes or is not text."""
    try:
        joined = "\x00".join(values)          # every value text (str or a subclass): one pass in C
    except TypeError:
        joined = None
    if joined is not None:
        return None if any(ch in joined for ch in _NEEDS_QUOTES) else values
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
        elif isinstance(v, str):
            if any(ch in v for ch in _NEEDS_QUOTES):
                return None
            out.append(v)
        else:
            return None
    return out


_INT_TABLE: list = []


def _ints(a: np.ndarray) -> list:
    """``[str(x) for x in a]``; small non-negative ints (ranks) looked up in a table of their strings."""
    if len(a) and a.min() >= 0 and a.max() < 1_000_000:
        hi = int(a.max()) + 1
        if not _INT_TABLE or len(_INT_TABLE[0]) < hi:
            _INT_TABLE[:] = [np.array([str(i) for i in range(max(hi, 1024))], dtype=object)]
        return _INT_TABLE[0][a.astype(np.intp)].tolist()
    return [str(x) for x in a.tolist()]


def _formatted_once(a: np.ndarray, float_format: str) -> list:
    """``[float_format % x for x in a]``, each distinct value formatted once (tables of statistics repeat
    their values: ranks, shares of N); values are told apart by their bits, so -0.0 stays "-0"."""
    bits = np.ascontiguousarray(a, dtype=np.float64).view(np.int64)
    u, inv = np.unique(bits, return_inverse=True)
    if 2 * len(u) > len(a):                 # mostly distinct: formatting them all is as fast
        return [float_format % x for x in a.tolist()]
    text = np.array([float_format % x for x in u.view(np.float64).tolist()], dtype=object)
    return text[inv.reshape(-1)].tolist()


def _column(s: pd.Series, float_format: str | None) -> list | None:
    """The strings pandas writes for column ``s``, or None if not handled here."""
    dt = s.dtype
    if isinstance(dt, np.dtype) and dt.kind == "f":
        a = s.to_numpy()
        vals = a.tolist()
        if float_format is None:
            out = [repr(x) for x in vals]
        elif len(a) >= 1000:
            out = _formatted_once(a, float_format)
        else:
            out = [float_format % x for x in vals]
        if np.isnan(a).any():
            out = ["" if x != x else y for x, y in zip(vals, out)]
        return out
    if isinstance(dt, np.dtype) and dt.kind in "iu":
        return _ints(s.to_numpy())
    if isinstance(dt, np.dtype) and dt.kind == "b":
        return [str(x) for x in s.to_numpy().tolist()]
    if isinstance(dt, pd.Int64Dtype) or (isinstance(dt, pd.api.extensions.ExtensionDtype)
                                         and getattr(dt, "kind", "") in "iu" and dt.name.startswith(("Int", "UInt"))):
        mask = s.isna().to_numpy()
        out = _ints(s.to_numpy(dtype=np.int64, na_value=0))
        if mask.any():
            out = ["" if m else x for x, m in zip(out, mask.tolist())]
        return out
    if isinstance(dt, pd.Float64Dtype):
        mask = s.isna().to_numpy()
        a = s.to_numpy(dtype=float, na_value=np.nan)
        vals = a.tolist()
        out = [repr(x) if float_format is None else float_format % x for x in vals]
        return ["" if m else y for y, m in zip(out, mask.tolist())]
    if dt == object or isinstance(dt, pd.StringDtype):
        return _text(s.tolist())
    return None


def write_csv(df: pd.DataFrame, path, *, index: bool = True, float_format: str | None = None,
              rows: int = 20_000) -> None:
    """``df.to_csv(path, index=index, float_format=float_format, lineterminator="\\n", encoding="utf-8")``,
    the same bytes, faster for large numeric frames; ``.gz`` paths are gzip-compressed (mtime 0).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; all-float64 or all-integer tables (without ``float_format``) are formatted a block
        of rows at a time (see the module docstring), anything this writer does not handle exactly
        by pandas itself.
    path : path
        The file written (``.gz``: gzip-compressed, byte-identical on reruns).
    index : bool, default True
        Write the row labels as the first column.
    float_format : str, optional
        A ``%`` format for floats (e.g. ``"%.6g"``); default the shortest round-trip digits (``repr``).
    rows : int, default 20000
        Rows formatted and written per block (bounds the memory used).

    Returns
    -------
    None

    Examples
    --------
    >>> import os, tempfile
    >>> from vitality.csvfast import write_csv
    >>> df = pd.DataFrame({"a": [0.1 + 0.2, np.nan, 1e-05], "b": [-0.0, 1e16, 2.0]},
    ...                   index=pd.Index(["x", "y", "z"], name="uCode"))
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> write_csv(df, path)
    >>> print(open(path).read(), end="")
    uCode,a,b
    x,0.30000000000000004,-0.0
    y,,1e+16
    z,1e-05,2.0
    >>> df.to_csv(lineterminator="\\n") == open(path).read()
    True
    """
    path = Path(path)
    cols = df.columns
    ok = not isinstance(cols, pd.MultiIndex) and not isinstance(df.index, pd.MultiIndex)
    names = [str(c) for c in cols] if ok else []
    if ok and index:
        names = ["" if df.index.name is None else str(df.index.name)] + names
    if ok and any(any(ch in n for ch in _NEEDS_QUOTES) for n in names):
        ok = False
    if not ok or (len(cols) and not all(isinstance(c, str) for c in cols)) or len(names) == 1:
        _pandas(df, path, index, float_format)
        return
    header = ",".join(names) + "\n"
    block = _block_kind(df) if float_format is None and len(df) and df.shape[1] else None
    with _open_bytes(path) as fh:           # UTF-8 bytes: orjson's output is written as it comes
        fh.write(header.encode("utf-8"))
        for start in range(0, len(df), rows):
            part = df.iloc[start:start + rows]
            columns = [_column(part.index.to_series(index=None), float_format)] if index else []
            if any(c is None for c in columns):
                break
            if block is not None:
                lines = _block_lines(part, block)
                if index:       # code, ",", line, "\n" for every row, joined once
                    n = len(lines)
                    parts = [b","] * (4 * n)
                    parts[0::4] = "\n".join(columns[0]).encode("utf-8").split(b"\n") if n > 1 else \
                        [columns[0][0].encode("utf-8")]
                    parts[2::4] = lines
                    parts[3::4] = [b"\n"] * n
                    fh.write(b"".join(parts))
                else:
                    fh.write(b"\n".join(lines) + b"\n")
                continue
            columns += [_column(part.iloc[:, j], float_format) for j in range(part.shape[1])]
            if any(c is None for c in columns):
                break
            fh.write("".join([",".join(r) + "\n" for r in zip(*columns)]).encode("utf-8"))
        else:
            return
    _pandas(df, path, index, float_format)      # something not handled here: pandas writes the file


_ORJSON: list = []      # [module or None], decided once
#: values whose orjson text is compared with ``repr`` before orjson is trusted (one of every form)
_PROBES = [0.0, -0.0, 1.0, -1.5, 0.1, 0.1 + 0.2, 1 / 3, 2 / 3 * 100, 1e-4, 1.0000000000000002e-4, 0.001, 123.456,
           99.99999999999999, 1e15, 999999999999999.9, 9999999999999998.0, 1e16, 1.2345678901234568e17, 1e22,
           2.0 ** 53 + 2, 1e300, 1.7976931348623157e308, 1e-300, 5e-324, 2.2250738585072014e-308, 4.35, 5.1,
           5.1000000000000005, 47.38291834723051, 0.30000000000000004]


def _orjson():
    """orjson, if installed and writing the probe values as ``repr`` does; else None."""
    if not _ORJSON:
        try:
            import orjson
            a = np.array(_PROBES + [-x for x in _PROBES])
            got = orjson.dumps(a, option=orjson.OPT_SERIALIZE_NUMPY).decode()[1:-1].split(",")
            want = [repr(x) if not 0 < abs(x) < 1e-4 else "" for x in a.tolist()]
            ok = all(g == w for g, w in zip(got, want) if w) and len(got) == len(want)
            ints = np.array([0, 1, -7, 10 ** 18, -(2 ** 63)], dtype=np.int64)
            ok &= orjson.dumps(ints, option=orjson.OPT_SERIALIZE_NUMPY) == b"[0,1,-7,1000000000000000000,-9223372036854775808]"
            _ORJSON.append(orjson if ok else None)
        except Exception:  # noqa: BLE001 - not installed, or an orjson that cannot do this: repr writes
            _ORJSON.append(None)
    return _ORJSON[0]


def _block_kind(df: pd.DataFrame) -> str | None:
    """"f" (every column float64), "i" (every column int64 or Int64) when orjson can write the frame, else None."""
    dts = list(df.dtypes)
    if all(isinstance(t, np.dtype) and t == np.float64 for t in dts):
        kind = "f"
    elif all((isinstance(t, np.dtype) and t == np.int64) or isinstance(t, pd.Int64Dtype) for t in dts):
        kind = "i"
    else:
        return None
    return kind if _orjson() is not None else None


def _block_lines(part: pd.DataFrame, kind: str) -> list:
    """The lines (UTF-8 bytes, without index and newline) pandas writes for the rows of ``part``
    (see :func:`_block_kind`)."""
    oj = _orjson()
    if kind == "f":
        A = np.ascontiguousarray(part.to_numpy(dtype=np.float64))
        with np.errstate(invalid="ignore"):
            a = np.abs(A)
            odd = (np.isinf(A) | ((a > 0) & (a < 1e-4))).any(axis=1)   # written by repr
            nan = np.isnan(a).any()
        text = oj.dumps(A, option=oj.OPT_SERIALIZE_NUMPY)
        if nan:
            text = text.replace(b"null", b"")  # NaN -> empty
    else:
        miss = part.isna().to_numpy()
        A = np.ascontiguousarray(part.to_numpy(dtype=np.int64, na_value=0))
        odd = miss.any(axis=1)
        text = oj.dumps(A, option=oj.OPT_SERIALIZE_NUMPY)
    lines = text[2:-2].split(b"],[")
    for i in np.flatnonzero(odd).tolist():
        if kind == "f":
            lines[i] = ",".join(["" if x != x else repr(x) for x in A[i].tolist()]).encode()
        else:
            lines[i] = ",".join(["" if m else str(x) for x, m in zip(A[i].tolist(), miss[i].tolist())]).encode()
    return lines


def _pandas(df, path, index, float_format):
    if Path(path).suffix == ".gz":
        with open_text(path) as fh:
            fh.write(df.to_csv(index=index, float_format=float_format, lineterminator="\n"))
    else:
        df.to_csv(path, index=index, encoding="utf-8", lineterminator="\n", float_format=float_format)
