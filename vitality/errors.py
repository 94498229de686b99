"""Exceptions with messages that say where the problem is and how to fix it."""

from __future__ import annotations

from pathlib import Path

__all__ = ['VitalityError', 'ConfigError', 'DataValidationError']


class VitalityError(Exception):
    """Base class of every error raised on purpose by :mod:`vitality`."""


class ConfigError(VitalityError, ValueError):
    """A choice (method name, weights, metadata, parameter) is invalid.

    The message names the offending item and lists the valid choices or the fix.
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
