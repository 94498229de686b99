"""Small helpers that every error message of the engine uses: code lists and "did you mean" suggestions."""

from __future__ import annotations

import difflib
from typing import Iterable

__all__ = ['fmt_codes', 'suggest']


def fmt_codes(codes: Iterable, limit: int = 8) -> str:
    """The codes quoted and comma-separated, at most ``limit`` of them.

    Parameters
    ----------
    codes : iterable
        The codes (turned into strings).
    limit : int, default 8
        Show at most this many; if there are more, the total is appended.

    Returns
    -------
    str
        E.g. ``"'a', 'b'"``.

    Examples
    --------
    >>> fmt_codes(["a", "b", "c"], limit=2)
    "'a', 'b', ... (3 in all)"
    >>> fmt_codes(["a", "b"])
    "'a', 'b'"
    """
    codes = [str(c) for c in codes]
    shown = ", ".join(repr(c) for c in codes[:limit])
    if len(codes) > limit:
        shown += f", ... ({len(codes)} in all)"
    return shown



def suggest(code: str, choices: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix naming the closest of ``choices`` (case-insensitive), or "".

    Parameters
    ----------
    code : str
        The code that was not found.
    choices : iterable of str
        The valid codes.

    Returns
    -------
    str
        The suffix to append to an error message, or ``""`` when nothing is close.

    Examples
    --------
    >>> suggest("socail", ["social", "cultural"])
    " (did you mean 'social'?)"
    >>> suggest("SOCIAL", ["social", "cultural"])
    " (did you mean 'social'?)"
    >>> suggest("xyz", ["social", "cultural"])
    ''
    """
    lower = {}
    for c in choices:
        lower.setdefault(str(c).lower(), str(c))
    close = difflib.get_close_matches(str(code).lower(), list(lower), n=1)
    return f" (did you mean {lower[close[0]]!r}?)" if close else ""
