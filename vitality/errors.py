"""Exceptions with messages that say where the problem is and how to fix it."""

from __future__ import annotations

from pathlib import Path

__all__ = ['VitalityError', 'ConfigError', 'DataValidationError', 'TinyIndexWarning']


class VitalityError(Exception):
    """Base class of every error raised on purpose by :mod:`vitality`.

    Catch it to handle every problem the library reports (a bad choice or bad data) in one place;
    the command line does so and prints the message.

    Parameters
    ----------
    *args
        As for :class:`Exception`: usually one message.

    Examples
    --------
    >>> from vitality.errors import ConfigError, DataValidationError, VitalityError
    >>> issubclass(ConfigError, VitalityError), issubclass(DataValidationError, VitalityError)
    (True, True)
    >>> try:
    ...     raise ConfigError("unknown weight set 'equl'.")
    ... except VitalityError as exc:
    ...     print(f"error: {exc}")
    error: unknown weight set 'equl'.
    """


class ConfigError(VitalityError, ValueError):
    """A choice (method name, weights, metadata, parameter) is invalid.

    The message names the offending item and lists the valid choices or the fix.  Also a
    :class:`ValueError`, so code catching that keeps working.

    Parameters
    ----------
    message : str
        What is wrong, which item, and the valid choices or the fix.

    Examples
    --------
    >>> from vitality.errors import ConfigError
    >>> from vitality.normalise import normalise
    >>> normalise(pd.DataFrame({"a": [1.0, 2.0]}), "min_max")
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: unknown normalisation 'min_max'; choose one of ['rank_score', 'rank', ...].
    >>> isinstance(ConfigError("x"), ValueError)
    True
    """


class DataValidationError(VitalityError, ValueError):
    """A data file does not pass validation.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    file : path, optional
        The file that was read.
    row : int, optional
        1-based line number in the file (the header is line 1), where known.
    column : str, optional
        Column name, where known.
    fix : str, optional
        What the user should do about it.

    Examples
    --------
    The message puts the place first and the fix last; the parts are kept as attributes:

    >>> from vitality.errors import DataValidationError
    >>> err = DataValidationError("value is not a number", file="data.csv", row=5, column="GDP",
    ...                           fix="write a number or leave the cell empty.")
    >>> print(err)
    file data.csv, line 5, column 'GDP': value is not a number Fix: write a number or leave the cell empty.
    >>> err.row, err.column
    (5, 'GDP')
    >>> print(DataValidationError("the table is empty."))
    the table is empty.
    """

    def __init__(self, problem: str, *, file: str | Path | None = None, row: int | None = None,
                 column: str | None = None, fix: str | None = None):
        self.problem = problem
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.fix = fix
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column {column!r}")
        msg = problem
        if where:
            msg = f"{', '.join(where)}: {problem}"
        if fix:
            msg += f" Fix: {fix}"
        super().__init__(msg)


class TinyIndexWarning(UserWarning):
    """An index built on fewer than 3 units: its ranks and rank-based normalisations say little.

    Raised (as a warning) by :func:`vitality.index.build_index`; the command line prints its own one-line
    warning instead.

    Examples
    --------
    >>> import warnings
    >>> issubclass(TinyIndexWarning, UserWarning)
    True
    """
