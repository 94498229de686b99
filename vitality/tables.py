"""One reading path for every table a user brings: CSV (UTF-8, with or without BOM) or ``.xlsx``.

:func:`read_table` is used by :func:`vitality.index.read_data_csv` / :func:`~vitality.index.read_meta_csv`
(the ``build`` and ``uncertainty`` commands, the Python API) and by the report layer's loaders
(:mod:`vitality.siis.data`), so a file is read the same way, and a problem is reported the same way,
whatever reads it.  The reading rules (documented in ``data/README.md``):

* **Encoding**: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" adds one).  A file in a
  Chinese Windows code page (GBK/GB18030) or Big5, or UTF-16, is *refused* (a guessed encoding can turn
  names into other names) with the exact ``iconv -f GB18030 -t UTF-8 in.csv > out.csv`` command.
* **Format**: ``.xlsx`` workbooks are read with openpyxl (one sheet: that one; several: name it as
  ``book.xlsx#Sheet`` or ``sheet=``); ``.xls``, ``.ods`` and other binary files get a message saying
  how to save them.
* **Separator**: ``,``; a header with no ``,`` but ``;`` (Excel in a European locale) or tabs is read
  with that separator, and then a decimal comma (``66,47``) is a decimal mark; a one-line notice says so.
* **Lines**: CRLF or LF; blank lines and rows whose every cell is empty (``,,,,``) are skipped, also
  before the header; line numbers in messages are physical lines of the file (the header's is its own).
* **Cells**: whitespace around every header name and cell is stripped (also full-width and no-break
  spaces).  In numbers, full-width digits (``６６．４７``) are read as ASCII and thousands separators
  (``1,234,567`` in a quoted cell of a comma-separated file; ``1 234``; ``1.234,5`` with a decimal comma)
  are dropped; a decimal comma in a comma-separated file is an error naming the fix.
* Every problem is a :class:`~vitality.errors.DataValidationError` naming file, line, column and fix;
  no input file ever produces a traceback.

Notices (the separator used) are one line each on stderr, starting ``note:``; everything else that is
accepted (a BOM, CRLF, blank rows, spaces, full-width digits) is read silently, as documented here.
"""

from __future__ import annotations

import csv
import io as _stdio
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .errors import DataValidationError

__all__ = ['NA_TOKENS', 'FULLWIDTH', 'Table', 'to_numbers', 'number_hint', 'path_has_bom', 'split_sheet',
           'read_table', 'require_numeric']

#: cell contents read as missing in numeric columns (R's ``NA`` included); never applied to text columns
NA_TOKENS = ("", "NA", "NaN", "nan", "N/A", "n/a", "#N/A", "NULL", "null", "None")
#: full-width digits and number signs -> ASCII (also the ideographic full stop and comma used as marks)
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")

_BOM = b"\xef\xbb\xbf"
_SEPARATORS = {",": "','", ";": "';'", "\t": "a tab"}
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """A table as read: ``df`` (columns as in the header, stripped) and the 1-based ``lines`` of its rows.

    ``lines[i]`` is the physical line of row ``i`` in the file (the row number of the sheet for
    ``.xlsx``); ``header_line`` that of the header.  ``sep`` and ``decimal`` are those used, ``notices``
    what was said about the file.

    Parameters
    ----------
    df : pandas.DataFrame
        The rows read (blank and all-empty rows skipped), a default integer index.
    lines : numpy.ndarray
        The 1-based file line (or sheet row) of each row of ``df``.
    path : pathlib.Path
        The file read.
    header_line : int, default 1
        The line of the header (later than 1 when blank lines come before it).
    sep : str, default ","
        The column separator used.
    decimal : str, default "."
        The decimal mark used in numbers.
    sheet : str, optional
        The sheet read, for a workbook.
    notices : list of str
        The one-line notices about the file (the separator used).

    Examples
    --------
    Made by :func:`read_table`; :meth:`error` builds the message of a problem in a cell:

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "t.csv")
    ...     _ = path.write_text("\\nuCode,x\\na,1\\nb,2\\n")   # a blank line before the header
    ...     t = read_table(path)
    >>> t.header_line, t.lines.tolist(), t.sep, t.decimal, t.notices
    (2, [3, 4], ',', '.', [])
    >>> t.error("the value is too large.", 1, "x", "check it.")
    DataValidationError("file ...t.csv, line 4, column 'x': the value is too large. Fix: check it.")
    """

    df: pd.DataFrame
    lines: np.ndarray
    path: Path
    header_line: int = 1
    sep: str = ","
    decimal: str = "."
    sheet: str | None = None
    notices: list = field(default_factory=list)

    def error(self, problem: str, i: int | None = None, column: str | None = None,
              fix: str | None = None) -> DataValidationError:
        row = None if i is None else int(self.lines[i])
        return DataValidationError(problem, file=self.where, row=row, column=column, fix=fix)

    @property
    def where(self) -> str:
        return f"{self.path}#{self.sheet}" if self.sheet else str(self.path)


# ---------------------------------------------------------------------------------------------- numbers
_THOUSANDS_COMMA = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_THOUSANDS_SPACE = r"[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009']\d{3})+(?:[.,]\d*)?"
_THOUSANDS_DOT = r"[+-]?\d{1,3}(?:\.\d{3})+,\d*"
_DECIMAL_COMMA = r"[+-]?\d*,\d+"


def to_numbers(s: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Parse a column of text as float, vectorised: ``(values, bad)``.

    Empty cells (after stripping) become NaN and are not ``bad``; ``bad`` marks cells that are not
    numbers.  Full-width digits are read as ASCII; thousands separators are dropped (see the module
    docstring); with ``decimal=","`` a decimal comma is the decimal mark.

    Parameters
    ----------
    s : pandas.Series
        The cells (text, numbers or missing).
    decimal : {".", ","}, default "."
        The decimal mark of the file.

    Returns
    -------
    values : pandas.Series
        float64, NaN where a cell is empty or not a number.
    bad : numpy.ndarray
        bool, True where a non-empty cell is not a number.

    Examples
    --------
    >>> values, bad = to_numbers(pd.Series(["1", " 2.5 ", "", "１２", "1,234", "n/a", "3kg"]))
    >>> values.tolist(), bad.tolist()
    ([1.0, 2.5, nan, 12.0, 1234.0, nan, nan], [False, False, False, False, False, True, True])
    >>> to_numbers(pd.Series(["66,47", "1.234,5", "1 234"]), decimal=",")[0].tolist()
    [66.47, 1234.5, 1234.0]
    """
    t = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    if t.str.contains(r"[０-９．，－＋]", regex=True).any():
        t = t.str.translate(FULLWIDTH)
    empty = t.eq("").to_numpy()
    num = pd.to_numeric(t.mask(t.eq("")), errors="coerce")
    bad = ~empty & num.isna().to_numpy()
    if bad.any():                                   # the slow rules only for the cells that need them
        sub = t[bad]
        fixed = sub.copy()
        m = sub.str.fullmatch(_THOUSANDS_SPACE)
        fixed[m] = sub[m].str.replace(r"[ \u00a0\u202f\u2009']", "", regex=True)
        if decimal == ",":
            fixed[m] = fixed[m].str.replace(",", ".", regex=False)
            d = sub.str.fullmatch(_THOUSANDS_DOT)
            fixed[d] = sub[d].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            c = sub.str.fullmatch(_DECIMAL_COMMA)
            fixed[c] = sub[c].str.replace(",", ".", regex=False)
        else:
            c = sub.str.fullmatch(_THOUSANDS_COMMA)
            fixed[c] = sub[c].str.replace(",", "", regex=False)
        again = pd.to_numeric(fixed, errors="coerce")
        num = num.astype(float)
        num[bad] = again.to_numpy(dtype=float)
        bad = ~empty & num.isna().to_numpy()
    return num.astype(float), bad


def number_hint(value: str, *, decimal: str = ".") -> str:
    """Why ``value`` is not a number, when it looks like one written another way ('' otherwise).

    Parameters
    ----------
    value : str
        A cell that is not a number.
    decimal : {".", ","}, default "."
        The decimal mark of the file.

    Returns
    -------
    str
        A sentence (starting with a space, to follow a message) naming the likely cause and the fix,
        or ``''``.

    Examples
    --------
    >>> number_hint("12 %")
    ' It is a percentage: write the number without %.'
    >>> number_hint("66,47")
    " It uses a decimal comma, which a comma-separated file cannot hold: write 66.47 (or save the whole file with ';' as separator)."
    >>> number_hint("3kg")
    ' It mixes digits with other characters (a unit or a note?): keep only the number.'
    >>> number_hint("abc")
    ''
    """
    v = str(value).strip().translate(FULLWIDTH)
    if decimal == "." and re.fullmatch(_DECIMAL_COMMA, v):
        return (f" It uses a decimal comma, which a comma-separated file cannot hold: write "
                f"{v.replace(',', '.')} (or save the whole file with ';' as separator).")
    if re.fullmatch(r"[+-]?[\d.,]+\s*%", v):
        return " It is a percentage: write the number without %."
    if re.search(r"\d", v) and re.search(r"[^\d.,+\-eE\s]", v):
        return " It mixes digits with other characters (a unit or a note?): keep only the number."
    return ""


# ---------------------------------------------------------------------------------------------- decoding
def _decode(raw: bytes, path: Path, expected: Sequence[str] | None) -> str:
    hint = f" (the header line {','.join(expected)})" if expected else ""
    if raw.startswith(_BOM):
        raw = raw[3:]
    if not (raw[:4096].strip() or raw.strip()):        # (the whole file is copied only when its start is blank)
        raise DataValidationError("the file is empty (no header, no data).", file=path,
                                  fix=f"write the header line{hint} and one row per record (or restore the "
                                      "file from where it came from).")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataValidationError(
            "the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark), not UTF-8.", file=path,
            row=1, fix=f"convert it: `iconv -f UTF-16 -t UTF-8 {path} > {path.stem}.utf8{path.suffix}` (or save "
                       "it from Excel as 'CSV UTF-8').")
    if b"\x00" in raw[:4096]:
        raise DataValidationError(
            "the file is not text (it holds NUL bytes): a binary, compressed or UTF-16 file?", file=path,
            fix="save the table as CSV UTF-8 (or .xlsx) and pass that file.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = raw.count(b"\n", 0, offset) + 1
        line_start = raw.rfind(b"\n", 0, offset) + 1
        line_end = raw.find(b"\n", offset)
        line_bytes = raw[line_start:(None if line_end < 0 else line_end)].rstrip(b"\r")
        column = None
        if b'"' not in raw[line_start:offset]:
            head = raw.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
            sep = max(_SEPARATORS, key=head.count) if any(s in head for s in _SEPARATORS) else ","
            header = [h.strip() for h in head.split(sep)]
            nfield = raw.count(sep.encode(), line_start, offset)
            column = header[nfield] if nfield < len(header) and line > 1 else None
        guess, enc_name = "", None
        for enc, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
                whole = True
            except UnicodeDecodeError:
                whole = False
                try:
                    line_bytes.decode(enc)
                except UnicodeDecodeError:
                    continue
            shown = line_bytes.decode(enc)
            guess = (f" {'The file' if whole else f'Line {line}'} decodes as {label} (line {line} then reads "
                     f"{shown!r}), so it was probably saved in a Chinese Windows code page"
                     f"{'' if whole else ' (the file mixes encodings: other lines are UTF-8)'}.")
            enc_name = "GB18030" if enc == "gb18030" else "BIG5"
            break
        if enc_name:
            fix = (f"convert it to UTF-8: `iconv -f {enc_name} -t UTF-8 {path} > {path.stem}.utf8{path.suffix}` "
                   f"(GB18030 covers GBK), or in Excel save as 'CSV UTF-8'; files in a Chinese code page are "
                   "not read, because a guessed encoding can silently turn one name into another.")
        else:
            fix = "re-save the file as UTF-8 (e.g. Excel: 'CSV UTF-8'; or `iconv -f <its encoding> -t UTF-8`)."
        raise DataValidationError(
            f"the file is not valid UTF-8: byte {raw[offset:offset + 1].hex(' ').upper()} at byte offset "
            f"{offset + (3 if path_has_bom(path) else 0)} (line {line}) cannot be decoded.{guess}",
            file=path, row=line, column=column, fix=fix) from None


def path_has_bom(path: Path) -> bool:
    """Whether a file starts with the UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one).

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    bool
        True when its first three bytes are ``EF BB BF``; False otherwise, also when it cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "excel.csv").write_bytes(b"\\xef\\xbb\\xbfx,y\\n1,2\\n")
    ...     _ = Path(tmp, "plain.csv").write_bytes(b"x,y\\n1,2\\n")
    ...     [path_has_bom(Path(tmp, n)) for n in ("excel.csv", "plain.csv", "absent.csv")]
    [True, False, False]
    """
    try:
        with open(path, "rb") as fh:
            return fh.read(3) == _BOM
    except OSError:
        return False


def split_sheet(path: str | Path) -> tuple[Path, str | None]:
    """``book.xlsx#Sheet`` -> (``book.xlsx``, ``'Sheet'``); any other path -> (path, None).

    A path holding ``#`` that exists as a file is that file.

    Parameters
    ----------
    path : str or pathlib.Path
        A file path, or a workbook path with ``#`` and a sheet name.

    Returns
    -------
    path : pathlib.Path
        The file.
    sheet : str or None
        The sheet named after ``#`` (``None`` when there is none, or the file is not a workbook).

    Examples
    --------
    >>> split_sheet("book.xlsx#Sheet1")
    (PosixPath('book.xlsx'), 'Sheet1')
    >>> split_sheet("data.csv"), split_sheet("notes#2.csv")
    ((PosixPath('data.csv'), None), (PosixPath('notes#2.csv'), None))
    """
    text = str(path)
    if "#" in text and not Path(text).exists():
        base, _, sheet = text.rpartition("#")
        if base.lower().endswith((".xlsx", ".xlsm")):
            return Path(base), sheet or None
    return Path(text), None


# ---------------------------------------------------------------------------------------------- reading
def read_table(path: str | Path, *, sheet: str | None = None, numeric: bool = False,
               text_columns: Sequence[str] = (), expected: Sequence[str] | None = None,
               na_values: Sequence[str] = NA_TOKENS, notify: bool = True) -> Table:
    """Read a CSV or ``.xlsx`` table (see the module docstring for the rules).

    Parameters
    ----------
    path : path
        A CSV file, or an ``.xlsx`` workbook (``book.xlsx#Sheet`` names a sheet).
    sheet : str, optional
        The sheet of a workbook (default: the only one; a workbook of several sheets needs a name).
    numeric : bool
        False: every cell is text (``''`` when empty).  True: a column whose non-missing cells are all
        numbers becomes float (``na_values`` are missing), others stay text with missing cells ``None``;
        ``text_columns`` are always text (a unit code ``NA`` stays ``'NA'``).
    expected : sequence of str, optional
        The expected header, quoted in messages about empty files.
    text_columns : sequence of str
        Columns always kept as text, with ``numeric=True``.
    na_values : sequence of str, default NA_TOKENS
        Cells read as missing in numeric columns (never in text columns).
    notify : bool
        Print the notices (the separator used) on stderr, one line each.

    Returns
    -------
    Table
        The rows read (``df``), the file line of each (``lines``), the separator and decimal mark used.

    Raises
    ------
    DataValidationError
        For every problem (no such file, a folder, ``.xls``/``.ods``, not UTF-8, ragged rows, a
        duplicate or empty header name, ...), naming file, line, column and the fix.

    Examples
    --------
    A semicolon-separated file with a BOM, CRLF, a blank line, spaces, a decimal comma, full-width
    digits and an all-empty row (the separator used is noted on stderr):

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "data.csv")
    ...     _ = path.write_bytes("\\ufeffuCode;x1;x2\\r\\n\\r\\nNA; 66,47 ;1\\r\\nb;;２\\r\\n;;\\r\\n".encode())
    ...     t = read_table(path, numeric=True, text_columns=["uCode"], notify=False)
    ...     text = read_table(path, notify=False)
    >>> t.df
      uCode     x1   x2
    0    NA  66.47  1.0
    1     b    NaN  2.0
    >>> t.lines.tolist(), t.sep, t.decimal, t.df["x1"].dtype
    ([3, 4], ';', ',', dtype('float64'))
    >>> text.df.values.tolist()          # numeric=False: every cell text, '' when empty
    [['NA', '66,47', '1'], ['b', '', '２']]
    """
    p, sheet_in_name = split_sheet(path)
    sheet = sheet or sheet_in_name
    if p.is_dir():
        raise DataValidationError("this is a folder, not a table file.", file=p,
                                  fix="pass the CSV (or .xlsx) file itself.")
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise DataValidationError("the file does not exist (not found).", file=p,
                                  fix="check the path" + (f", or create it with the header {','.join(expected)}"
                                                          if expected else "") + ".") from None
    except OSError as exc:
        raise DataValidationError(f"the file cannot be read ({exc.strerror}).", file=p,
                                  fix="check the path and its permissions.") from None
    suffix = p.suffix.lower()
    if head.startswith(_OLE) or suffix == ".xls":
        raise DataValidationError(
            "this is an Excel 97-2003 workbook (.xls), which is not read.", file=p,
            fix="open it in Excel (or LibreOffice) and save it as .xlsx, or as 'CSV UTF-8'.")
    if head.startswith(_ZIP) or suffix in (".xlsx", ".xlsm", ".ods"):
        if suffix == ".ods" or _is_ods(p):
            raise DataValidationError("this is an OpenDocument spreadsheet (.ods), which is not read.", file=p,
                                      fix="save it as .xlsx or as 'CSV UTF-8' (Text CSV, UTF-8).")
        table = _read_xlsx(p, sheet)
    else:
        if sheet:
            raise DataValidationError(f"a sheet ({sheet!r}) was asked for, but this is a text file.", file=p,
                                      fix="pass the sheet only with an .xlsx workbook.")
        table = _read_text(p.read_bytes(), p, expected, numeric, text_columns, na_values)
    _finish(table, numeric, text_columns, na_values, check_header=expected is None)
    if notify:
        for n in table.notices:
            print(f"note: {n}", file=sys.stderr, flush=True)
    return table


def _is_ods(p: Path) -> bool:
    try:
        import zipfile
        with zipfile.ZipFile(p) as z:
            return "mimetype" in z.namelist() and z.read("mimetype").startswith(b"application/vnd.oasis")
    except Exception:  # noqa: BLE001 - not a readable zip: openpyxl says so below
        return False


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _read_xlsx(p: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency
        raise DataValidationError("reading .xlsx needs openpyxl, which is not installed.", file=p,
                                  fix="pip install openpyxl, or save the sheet as 'CSV UTF-8'.") from None
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise DataValidationError(f"the workbook cannot be read ({type(exc).__name__}: {exc}).", file=p,
                                  fix="open and re-save it in Excel as .xlsx, or save the sheet as 'CSV UTF-8'.") \
            from None
    try:
        names = wb.sheetnames
        if sheet is None:
            if len(names) != 1:
                raise DataValidationError(
                    f"the workbook has {len(names)} sheets ({', '.join(names)}); which one is the table?", file=p,
                    fix=f"name the sheet after the file name: {p}#{names[0]} (or pass sheet=).")
            sheet = names[0]
        elif sheet not in names:
            raise DataValidationError(f"the workbook has no sheet {sheet!r}; its sheets: {', '.join(names)}.",
                                      file=p, fix=f"use one of the sheet names, e.g. {p}#{names[0]}.")
        rows = [[_cell_text(v) for v in r] for r in wb[sheet].iter_rows(values_only=True)]
        width = max(map(len, rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows]
    finally:
        wb.close()
    table = _from_rows(rows, list(range(1, len(rows) + 1)), p)
    table.sheet = sheet if len(names) > 1 else None
    return table


def _detect_sep(header_line: str) -> str:
    counts = {s: header_line.count(s) for s in _SEPARATORS}
    if counts[","]:
        return ","
    best = max((";", "\t"), key=counts.get)
    return best if counts[best] else ","


def _read_text(raw: bytes, p: Path, expected, numeric: bool = False, text_columns: Sequence[str] = (),
               na_values: Sequence[str] = NA_TOKENS) -> Table:
    # validates the encoding (refuses GBK, UTF-16, ...); a plain ASCII file (no NUL) is valid UTF-8 as it is
    plain = raw.isascii() and b"\x00" not in raw[:4096] and bool(raw[:4096].strip() or raw.strip())
    text = None if plain else _decode(raw, p, expected)
    data = raw[3:] if raw.startswith(_BOM) else raw
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if text is not None:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text is None:   # the first non-blank line (ASCII: the same lines as in the decoded text)
        h_text = next(t for t in (ln.decode("ascii") for ln in data[:1_000_000].split(b"\n", 50)) if t.strip())
    else:
        h_text = next(ln for ln in text.split("\n", 50) if ln.strip()) if len(text) < 10_000_000 else \
            next(ln for ln in text[:1_000_000].split("\n") if ln.strip())
    sep = _detect_sep(h_text)
    notices = []
    decimal = "."
    if sep != ",":
        decimal = ","
        notices.append(f"{p}: read with {_SEPARATORS[sep]} as the column separator (its header has no ','), "
                       f"and ',' in numbers as the decimal mark.")
    if b'"' in data:
        return _read_quoted(data.decode("utf-8") if text is None else text, p, sep, decimal, notices, expected)
    del text
    # structure: which lines hold records, and does each have the header's number of separators?
    sepb = sep.encode()
    end = len(data) - 1 if data.endswith(b"\n") else len(data)     # the body without its last line break
    fast, first_nl, n_breaks = _clean_structure(data, end, sepb)
    head_bytes = data[:end] if first_nl < 0 else data[:first_nl]
    skip = 0
    if fast:
        # fast path (clean files): every line is a record and the separators add up; a line with too
        # many fields is then found by the parser (and one with too many implies one with too few)
        h = 0
        keep = np.arange(1, n_breaks + 1, dtype=np.int64)
        body, skip = data, 1                 # the parser skips the header line (no copy of the file)
    else:
        raw_lines = data.split(b"\n")
        strip = b" \t" + sepb
        blank = [not ln.strip(strip) for ln in raw_lines]
        h = blank.index(False)
        head_bytes = raw_lines[h]
        nh = head_bytes.count(sepb)
        keep_l = [i for i in range(h + 1, len(raw_lines)) if not blank[i]]
        wrong = next((i for i in keep_l if raw_lines[i].count(sepb) != nh), None)
        if wrong is not None:
            _width_error(p, wrong + 1, raw_lines[wrong].decode("utf-8").split(sep),
                         head_bytes.decode("utf-8").split(sep))
        keep = np.asarray(keep_l, dtype=np.int64)
        body = b"\n".join(raw_lines[i] for i in keep_l)
    header = [c.strip() for c in head_bytes.decode("utf-8").split(sep)]
    if not len(keep):
        df = pd.DataFrame({j: pd.Series([], dtype=object) for j in range(len(header))})
    else:
        opts = dict(dtype=str, keep_default_na=False, na_filter=False)
        if numeric:   # the C parser types the clean numeric columns itself (fast); the rest stay text
            text_pos = {j for j, c in enumerate(header) if c in set(text_columns)}
            opts = dict(dtype={j: str for j in text_pos}, keep_default_na=False,
                        na_values={j: list(na_values) for j in range(len(header)) if j not in text_pos},
                        decimal=decimal)
        try:
            df = pd.read_csv(_stdio.BytesIO(body), sep=sep, header=None, quoting=csv.QUOTE_NONE, engine="c",
                             skip_blank_lines=False, encoding="utf-8", skiprows=skip, **opts)
        except Exception as exc:  # noqa: BLE001 - never a traceback for an input file
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                i = int(keep[int(m.group(2)) - 1 - skip])    # the parser counts the skipped header line
                line = data.split(b"\n", i + 1)[i]
                _width_error(p, i + 1, line.decode("utf-8").split(sep), header)
            raise DataValidationError(f"the file cannot be parsed as a table ({exc}).", file=p,
                                      fix="save it as 'CSV UTF-8' with one header line.") from None
        if len(df) != len(keep):  # pragma: no cover - defensive: the structure scan and the parser disagree
            return _read_quoted(data.decode("utf-8"), p, sep, decimal, notices, expected)
    return _with_header(df, header, keep.astype(np.int64) + 1, p, h + 1, sep, decimal, notices)


def _clean_structure(data: bytes, end: int, sepb: bytes) -> tuple[bool, int, int]:
    """Whether ``data[:end]`` is a clean table (no blank line anywhere, as many separators in all as
    the header's times the lines), where its first line break is (-1: none), and how many it has.

    One vectorised pass over the bytes (the file is not copied): the line breaks and separators are
    counted, and only lines starting with a space, a tab, a separator or a line break are looked at.
    """
    a = np.frombuffer(data, dtype=np.uint8, count=end)
    nl = np.flatnonzero(a == 10)
    first_nl = int(nl[0]) if len(nl) else -1
    head = data[:end] if first_nl < 0 else data[:first_nl]
    last = data[(int(nl[-1]) + 1 if len(nl) else 0):end]
    if np.count_nonzero(a == sepb[0]) != head.count(sepb) * (len(nl) + 1):
        return False, first_nl, len(nl)
    if _blank_line(head, sepb) or _blank_line(last, sepb):
        return False, first_nl, len(nl)
    starts = nl[:-1] + 1                 # the first byte of every line but the first and the last
    suspect = np.flatnonzero(np.isin(a[starts], np.frombuffer(b"\n \t" + sepb, dtype=np.uint8)))
    for k in suspect.tolist():           # line k + 1 runs from nl[k] + 1 to nl[k + 1]
        if _blank_line(data[int(nl[k]) + 1:int(nl[k + 1])], sepb):
            return False, first_nl, len(nl)
    return True, first_nl, len(nl)


def _blank_line(line: bytes, sepb: bytes) -> bool:
    """Whether ``line`` holds nothing but spaces, tabs and separators."""
    return not line.strip(b" \t" + sepb)


def _with_header(df, header, lines, p, header_line, sep, decimal, notices) -> Table:
    t = Table(df=df, lines=lines, path=p, header_line=header_line, sep=sep, decimal=decimal, notices=notices)
    t.df.columns = header
    return t


def _width_error(p: Path, line: int, values: list, header: list) -> None:
    raise DataValidationError(
        f"this line has {len(values)} values but the header has {len(header)} "
        f"({','.join(h.strip() for h in header)}); the line reads {','.join(values)[:200]!r}.", file=p, row=line,
        fix="a value containing the separator must be enclosed in double quotes; an empty value must still be "
            "written (two separators in a row).")


def _read_quoted(text: str, p: Path, sep: str, decimal: str, notices: list, expected) -> Table:
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows, lines = [], []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        row = reader.line_num
        if "end of data" in str(exc) or "EOF" in str(exc):     # an unclosed quote: where did it open?
            odd = [i for i, ln in enumerate(text.split("\n"), 1) if ln.count('"') % 2]
            if odd:
                row = odd[0]
                exc = f"{exc}: the double quote opened on line {row} is never closed"
        raise DataValidationError(
            f"the file is not valid CSV ({exc}).", file=p, row=row,
            fix="a value holding the separator, a double quote or a line break must be enclosed in double "
                "quotes, with any double quote inside it doubled (\"\").") from None
    t = _from_rows(rows, lines, p)
    t.sep, t.decimal, t.notices = sep, decimal, notices
    return t


def _from_rows(rows: list, lines: list, p: Path) -> Table:
    blank = [not any(v.strip() for v in r) for r in rows]
    h = next((i for i, b in enumerate(blank) if not b), None)
    if h is None:
        raise DataValidationError("the file is empty (no header, no data).", file=p,
                                  fix="write the header line and one row per record.")
    header = rows[h]
    while header and not header[-1].strip() and all(len(r) < len(header) or not r[len(header) - 1].strip()
                                                     for r in rows[h + 1:]):
        header = header[:-1]           # trailing unnamed, empty columns (Excel's used range)
    n = len(header)
    keep = [i for i in range(h + 1, len(rows)) if not blank[i]]
    for i in keep:
        r = rows[i]
        if len(r) != n:
            if len(r) > n and not any(v.strip() for v in r[n:]):
                rows[i] = r[:n]
                continue
            _width_error(p, lines[i], r, header)
    df = pd.DataFrame([rows[i] for i in keep], columns=range(n), dtype=object) if keep else \
        pd.DataFrame({j: pd.Series([], dtype=object) for j in range(n)})
    return _with_header(df, [c.strip() for c in header], np.asarray([lines[i] for i in keep], dtype=np.int64),
                        p, lines[h], ",", ".", [])


def _finish(t: Table, numeric: bool, text_columns: Sequence[str], na_values: Sequence[str],
            check_header: bool = True) -> None:
    """Header checks, stripping, all-empty rows, types (the same for every source)."""
    header = list(t.df.columns)
    unnamed = [j for j, c in enumerate(header) if not c]
    for j in unnamed:
        col = t.df.iloc[:, j]
        filled = col.astype(object).where(col.notna(), "").astype(str).str.strip().ne("").to_numpy()
        if filled.any():
            i = int(np.flatnonzero(filled)[0])
            raise t.error(f"column {j + 1} has values but no name in the header (line {t.header_line}).", i,
                          None, "give the column a name in the header, or delete it.")
    if unnamed:
        t.df = t.df.iloc[:, [j for j in range(len(header)) if j not in set(unnamed)]]
        header = [c for c in header if c]
    seen: dict = {}
    for c in header:
        seen[c] = seen.get(c, 0) + 1
    dups = [c for c in header if seen[c] > 1]
    if dups and check_header:
        raise DataValidationError(
            f"column {dups[0]!r} appears {seen[dups[0]]} times in the header.", file=t.where, row=t.header_line,
            column=dups[0], fix="every column name must be unique: rename or delete one of them.")
    df = t.df
    text_columns = set(text_columns)
    cols = []
    typed = False
    empty_all = np.ones(len(df), dtype=bool)
    df.columns = range(df.shape[1])
    for j, c in enumerate(header):
        s = df[j]
        if s.dtype.kind == "b":      # TRUE/FALSE typed by the parser: kept as written
            s = s.map({True: "TRUE", False: "FALSE"}).astype(object)
        if s.dtype.kind in "iuf":
            vals, typed = s, True
        else:
            vals = _stripped(s)      # a list of str
            empty_all &= np.fromiter((v == "" for v in vals), dtype=bool, count=len(vals))
        cols.append(vals)
    drop = empty_all & (not typed)   # typed columns come from the text path, whose scan skipped empty rows
    keep_idx = np.flatnonzero(~drop)
    if drop.any():
        cols = [v.iloc[keep_idx].reset_index(drop=True) if isinstance(v, pd.Series) else [v[i] for i in keep_idx]
                for v in cols]
        t.lines = t.lines[keep_idx]
    if drop.any():
        df = df.iloc[keep_idx].reset_index(drop=True)
    else:
        df = df.reset_index(drop=True)
    na = set(na_values)
    new: dict = {}                                   # the columns that change, set in one go
    for j, (c, s) in enumerate(zip(header, cols)):
        if isinstance(s, pd.Series):
            s = s.reset_index(drop=True)
            if s.dtype.kind in "iu":
                new[j] = s.astype(float)
            continue                                  # float: typed by the parser, as it is
        if not numeric or c in text_columns:
            new[j] = pd.Series(_object_column(s), dtype=object, copy=False)   # object, as always (not str)
            continue
        is_na = np.fromiter((v in na for v in s), dtype=bool, count=len(s))
        if not is_na.all():
            num = _clean_numbers(["" if m else v for v, m in zip(s, is_na.tolist())], t.decimal)
            if isinstance(num, np.ndarray):
                new[j] = num
                continue
        text = pd.Series(s, dtype=str)
        if not is_na.all() and num is not _TEXT:
            num, bad = to_numbers(text.where(~is_na, ""), decimal=t.decimal)
            if not bad.any():
                new[j] = num
                continue
        new[j] = text.where(~is_na, None).astype(object)
    if len(new) > 8 and len(new) * 2 > df.shape[1]:  # most columns change (a quoted file): build the frame anew
        df = pd.DataFrame({j: new[j] if j in new else df[j] for j in range(df.shape[1])}, index=df.index)
    else:
        for j, v in new.items():
            df[j] = v
    df.columns = header
    t.df = df
    if not len(t.df.columns):
        raise DataValidationError("the header has no column names.", file=t.where, row=t.header_line,
                                  fix="write the column names in the first line.")


def _stripped(s: pd.Series) -> list:
    """The cells of a text column as stripped strings (missing -> ``''``)."""
    vals = s.tolist()
    if all(type(v) is str for v in vals):
        return [v.strip() for v in vals]
    return s.astype(object).where(s.notna(), "").astype(str).str.strip().tolist()


def _object_column(vals: list) -> np.ndarray:
    out = np.empty(len(vals), dtype=object)
    out[:] = vals
    return out


_FULLWIDTH_RE = re.compile(r"[０-９．，－＋]")


#: :func:`_clean_numbers`: a cell is text whatever the number rules (a letter can be part of no number they fix)
_TEXT = "text"


def _clean_numbers(vals: list, decimal: str):
    """``to_numbers`` of stripped cells when every non-empty cell is a plain number (the usual file):
    float64 values, empty cells NaN.  ``_TEXT`` when a cell that is not a plain number holds a letter (the
    rules of :func:`to_numbers` -- full-width digits, thousands separators, decimal commas -- then leave it
    not a number); None when the full rules must decide."""
    if _FULLWIDTH_RE.search("\x1f".join(vals)):
        return None
    a = _object_column(vals)
    empty = a == ""
    a[empty] = np.nan
    num = np.asarray(pd.to_numeric(a, errors="coerce"), dtype=np.float64)
    bad = np.isnan(num) & ~empty
    if bad.any():
        return _TEXT if any(ch.isalpha() for i in np.flatnonzero(bad).tolist() for ch in vals[i]) else None
    return num


def require_numeric(df: pd.DataFrame, columns: Sequence[str], *, what: str = "indicator") -> None:
    """Raise for the first cell of ``columns`` that is not a number, naming file, line and column.

    ``df`` is a table from :func:`vitality.index.read_data_csv` (its ``attrs`` carry the file and the
    line of each row); columns absent from ``df`` are left to the caller.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; ``attrs`` may carry ``source``, ``lines`` and ``decimal`` (as
        :func:`vitality.index.read_data_csv` sets them).
    columns : sequence of str
        The columns that must hold numbers (numeric dtypes pass at once).
    what : str, default "indicator"
        What a value of these columns is, for the message.

    Raises
    ------
    DataValidationError
        For the first cell that is not a number: file, line, column, the value, a hint
        (:func:`number_hint`) and how many more cells of the column are not numbers.

    Examples
    --------
    >>> df = pd.DataFrame({"uCode": ["a", "b", "c"], "x1": ["1", "12 %", "3kg"], "x2": [1.0, 2.0, 3.0]})
    >>> df.attrs.update(source="data.csv", lines=np.array([2, 3, 4]))
    >>> require_numeric(df, ["x2"])       # numbers: nothing to say
    >>> require_numeric(df, ["x2", "x1"])
    Traceback (most recent call last):
    ...
    vitality.errors.DataValidationError: file data.csv, line 3, column 'x1': the indicator value '12 %' is not a number. It is a percentage: write the number without %. (1 more cell(s) of this column are not numbers.) Fix: ...
    """
    lines = df.attrs.get("lines")
    source = df.attrs.get("source")
    decimal = df.attrs.get("decimal", ".")
    for c in columns:
        if c not in df.columns or df[c].dtype.kind in "biuf":
            continue
        col = df[c]
        num, bad = to_numbers(col.where(col.notna(), ""), decimal=decimal)
        if not bad.any():
            continue
        i = int(np.flatnonzero(bad)[0])
        v = col.iloc[i]
        more = int(bad.sum()) - 1
        raise DataValidationError(
            f"the {what} value {v!r} is not a number.{number_hint(v, decimal=decimal)}"
            + (f" ({more} more cell(s) of this column are not numbers.)" if more else ""),
            file=source, row=None if lines is None else int(lines[i]), column=str(c),
            fix=f"{what}s must be numbers (with '{decimal}' as decimal mark); leave a missing value empty or write NA.")
