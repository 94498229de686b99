"""Output folders of every command: never inside a data folder, visibly incomplete when interrupted.

* :func:`refuse_inside` — the one check, used by ``build``, ``uncertainty`` and ``reproduce`` (and any
  command that writes), that an output folder is not the project's ``data/`` folder, a data folder the
  user passed, or inside one of them.
* :func:`incomplete_run` — a context manager around a run that writes into a folder: it puts an
  ``INCOMPLETE`` marker file there while the run lasts (removed when it completes), turns SIGTERM into an
  interruption like Ctrl-C, and ends an interrupted run with one line ("interrupted during ...; the
  outputs in DIR are incomplete") and exit status 130 (SIGINT) or 143 (SIGTERM) instead of a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from .errors import ConfigError

__all__ = ['PROJECT_DATA', 'MARKER', 'protected_data_dirs', 'refuse_inside', 'Progress', 'incomplete_run']

#: the project's ``data/`` folder (beside the package in a clone), read-only input
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"
#: name of the marker file an unfinished run leaves in its output folder
MARKER = "INCOMPLETE"


def protected_data_dirs(*extra) -> list[Path]:
    """The project's ``data/`` folder, ``$VITALITY_DATA`` if set, and the ``extra`` folders given.

    Parameters
    ----------
    *extra : path-like or None
        Further data folders to protect (``None`` entries are skipped).

    Returns
    -------
    list of pathlib.Path
        The folders no command may write into, the project's ``data/`` first.

    Examples
    --------
    >>> from vitality.outputs import protected_data_dirs
    >>> dirs = protected_data_dirs("/tmp/my-data", None)
    >>> dirs[0].name, dirs[-1].name
    ('data', 'my-data')
    """
    dirs = [PROJECT_DATA]
    if os.environ.get("VITALITY_DATA"):
        dirs.append(Path(os.environ["VITALITY_DATA"]))
    dirs += [Path(d) for d in extra if d is not None]
    return dirs


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def refuse_inside(out, *protected, flag: str = "--out") -> Path:
    """Return ``out`` resolved, or raise :class:`ConfigError` if it is (inside) a protected data folder.

    ``protected`` are extra folders (a data folder the user passed); the project's ``data/`` and
    ``$VITALITY_DATA`` are always protected.  Paths are compared after resolving symbolic links, so
    ``data/../data/x`` or a link into ``data/`` is refused too.  An existing file is refused as well.

    Parameters
    ----------
    out : path-like
        The output folder asked for (created later by the command, not here).
    *protected : path-like or None
        Further data folders to protect.
    flag : str, default "--out"
        The option that named ``out``, used in the message.

    Returns
    -------
    pathlib.Path
        ``out`` resolved.

    Raises
    ------
    ConfigError
        ``out`` is (inside) a protected folder, or an existing file; the message suggests a folder.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from vitality.outputs import refuse_inside
    >>> d = Path(tempfile.gettempdir()) / "vitality-example"  # nothing is created
    >>> refuse_inside(d / "results", d / "mydata") == (d / "results").resolve()
    True
    >>> refuse_inside(d / "mydata" / "out", d / "mydata")
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: --out ... is inside a data folder (...), which is read-only input and never written. Fix: ...
    """
    target = Path(out).expanduser().resolve()
    for folder in protected_data_dirs(*protected):
        f = Path(folder).expanduser().resolve()
        if _inside(target, f):
            what = "the project's data folder" if f == PROJECT_DATA.resolve() else "a data folder"
            raise ConfigError(
                f"{flag} {out} is inside {what} ({f}), which is read-only input and never written. "
                f"Fix: choose an output folder outside it, e.g. {flag} {_suggest(f, target)}.")
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{flag} {out} is an existing file, not a folder. Fix: pass a folder (it is created).")
    return target


def _suggest(data: Path, target: Path) -> str:
    rest = target.relative_to(data)
    base = data.parent / "output"
    if Path.cwd() == data.parent or _inside(Path.cwd(), data.parent):
        base = Path(os.path.relpath(base, Path.cwd()))
    return str(base / rest) if str(rest) != "." else str(base)


class Progress:
    """What a run is doing now (``stage``), for the message of an interruption.

    Parameters
    ----------
    stage : str, default "start-up"
        The current stage; the body of :func:`incomplete_run` updates it.

    Examples
    --------
    >>> from vitality.outputs import Progress
    >>> p = Progress()
    >>> p.stage = "03_regions"
    >>> p.stage
    '03_regions'
    """

    def __init__(self, stage: str = "start-up"):
        self.stage = stage


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""


@contextlib.contextmanager
def incomplete_run(out, *, what: str = "the run", marker: bool = True):
    """Run the body with an ``INCOMPLETE`` marker in ``out``; make interruptions one line and an exit code.

    Yields a :class:`Progress` whose ``stage`` the body updates ("03_regions"), named in the message.
    On success the marker is removed.  On Ctrl-C or SIGTERM prints ``interrupted during STAGE; the outputs
    in OUT are incomplete (OUT/INCOMPLETE says so)`` on stderr and raises ``SystemExit(130)`` or
    ``SystemExit(143)``.  Any other error leaves the marker in place and propagates.

    Parameters
    ----------
    out : path-like
        The output folder (created when ``marker`` is true).
    what : str, default "the run"
        What runs, written into the marker file.
    marker : bool, default True
        Write and remove the ``INCOMPLETE`` marker (``False``: only the one-line interruption).

    Yields
    ------
    Progress
        Set its ``stage`` as the run advances.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from vitality.outputs import MARKER, incomplete_run
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with incomplete_run(d, what="build") as progress:
    ...         progress.stage = "writing"
    ...         print((Path(d) / MARKER).exists())
    ...     print((Path(d) / MARKER).exists())
    True
    False
    """
    out = Path(out)
    progress = Progress()
    mark = out / MARKER
    if marker:
        out.mkdir(parents=True, exist_ok=True)
        mark.write_text(f"{what} started {time.strftime('%Y-%m-%d %H:%M:%S')} and has not finished: the files in "
                        "this folder may be incomplete. A run that completes removes this file.\n", encoding="utf-8")

    def on_term(signum, frame):
        raise _Terminated()

    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except ValueError:      # not the main thread: SIGTERM keeps its default
        previous = None
    try:
        yield progress
    except KeyboardInterrupt as exc:
        code = 143 if isinstance(exc, _Terminated) else 130
        name = "SIGTERM" if code == 143 else "Ctrl-C"
        if marker:
            with contextlib.suppress(OSError):
                mark.write_text(f"{what} was interrupted ({name}) during {progress.stage}: the files in this folder "
                                "are incomplete. A run that completes removes this file.\n", encoding="utf-8")
        print(f"interrupted ({name}) during {progress.stage}; the outputs in {out} are incomplete"
              + (f" ({mark} says so)." if marker else "."), file=sys.stderr, flush=True)
        raise SystemExit(code) from None
    else:
        if marker:
            with contextlib.suppress(FileNotFoundError):
                mark.unlink()
    finally:
        if previous is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, previous)
