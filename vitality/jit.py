"""Compiled loops (numba) for the Monte Carlo's ranks: an opt-in, and when a run uses them.

The Monte Carlo's ranks kernel (:func:`vitality.mcbatch.rank_batch`) and the rank counts of
:func:`vitality.rankstats.rank_histogram` are numpy passes over every score.  Three of them -- the sort
keys, the scatter of rank codes to their units with the near-tie test, and the counting of codes --
are also single loops in :mod:`vitality.jitloops`, compiled by numba (``pip install 'vitality[jit]'``):
the same keys, codes, near ties and counts (the property tests run both on every example).

Once loaded they take about a quarter off the time per replication of a small index (ASEM's 51 units,
measured on 2 cores: 0.0062-0.0069 ms against 0.0085-0.0086 ms).  Loading them costs about 0.5 s and
120 MB once per process (numba's first call imports scipy.linalg; the loops are compiled once and
cached beside the module), which whole runs of the command line rarely repay: measured on 2 cores,
ASEM N = 300,000 3.9 -> 3.7 s, 1,000 units x 60 N = 10,000 4.8 -> 4.8 s, 10,000 units N = 1,000
6.5 -> 6.6 s, 30,000 units N = 1,000 30.0 -> 32.9 s (longer rows leave less to the loops).  So:

* ``VITALITY_JIT=1`` in the environment (or :func:`load`): load them and use them in every run;
* ``VITALITY_JIT=0``: never;
* otherwise (``auto``, the default): use them once they are loaded in this process -- a notebook that
  calls :func:`load` once keeps them for every later run -- and numpy's passes until then.

Results never depend on it: ranks, codes and counts are the same integers either way.
"""

from __future__ import annotations

import os
import threading
import warnings

__all__ = ["wanted", "kernels", "load"]

_LOCK = threading.Lock()
_STATE: dict = {}              # "mod": the loaded module, or None once numba failed to import


def _mode() -> str:
    v = os.environ.get("VITALITY_JIT", "auto").strip().lower()
    return {"0": "off", "false": "off", "no": "off", "off": "off",
            "1": "on", "true": "on", "yes": "on", "on": "on"}.get(v, "auto")


def wanted() -> bool:
    """Whether a run now should rank with the compiled loops (see the module docstring): ``VITALITY_JIT=1``,
    or ``auto`` and loaded in this process.

    Returns
    -------
    bool

    Examples
    --------
    >>> from vitality.jit import wanted
    >>> wanted() in (True, False)
    True
    """
    mode = _mode()
    if mode == "off":
        return False
    return mode == "on" or _STATE.get("mod") is not None


def load():
    """Load the compiled loops now (numba), so that later runs in this process use them.

    Returns
    -------
    module or None
        :mod:`vitality.jitloops`; None when numba is not installed or does not import, or with
        ``VITALITY_JIT=0`` (numpy's passes are used, with the same results).

    Examples
    --------
    >>> from vitality.jit import load
    >>> loops = load()                 # about 0.5 s the first time in a process; None without numba
    """
    if _mode() == "off":
        return None
    if "mod" not in _STATE:
        with _LOCK:
            if "mod" not in _STATE:
                try:
                    from . import jitloops
                except ImportError as e:
                    _STATE["mod"] = None
                    if _mode() == "on":
                        warnings.warn(f"VITALITY_JIT=1, but the compiled loops do not load ({e}); install "
                                      "numba with pip install 'vitality[jit]'. Ranking with numpy's passes "
                                      "(the same results).", RuntimeWarning, stacklevel=2)
                else:
                    _STATE["mod"] = jitloops
    return _STATE["mod"]


def kernels():
    """The compiled loops to rank with now, or None (numpy's passes): :func:`load` when :func:`wanted`.

    Returns
    -------
    module or None

    Examples
    --------
    >>> from vitality.jit import kernels
    >>> k = kernels()                  # None unless VITALITY_JIT=1 or loaded already
    """
    return load() if wanted() else None
