"""Compiled loops (numba) for the Monte Carlo's largest runs: when to use them.

The Monte Carlo's ranks kernel (:func:`vitality.mcbatch.rank_batch`) and the rank counts of
:func:`vitality.rankstats.rank_histogram` are numpy passes over every score.  Three of them -- the sort
keys, the scatter of rank codes to their units with the near-tie test, and the counting of codes --
are single loops in :mod:`vitality.jitloops`, compiled by numba: the same keys, codes, near ties
and counts (tested against the numpy passes, which stay for small runs and without numba), in
about a third of the time.

Loading numba and its compiled loops costs about 0.5 s once per process (numba's first call
imports scipy.linalg; the loops are compiled once and cached beside the module), so they are used
only where they repay it:

* ``VITALITY_JIT=0`` in the environment: never; ``VITALITY_JIT=1``: always (when numba imports);
* otherwise (``auto``) when a run ranks at least :data:`MIN_SCORES` scores (replications x units x
  aggregates: ASEM's 51 units x 11 aggregates from about 143,000 replications, 10,000 units x 16
  aggregates from 500), or once they are loaded in this process (a notebook that ran one such run,
  or set ``VITALITY_JIT=1``, keeps them for every later run).

Results never depend on it: ranks, codes and counts are the same integers either way.
"""

from __future__ import annotations

import os
import threading

__all__ = ["MIN_SCORES", "wanted", "kernels"]

#: scores (replications x units x aggregates) from which a run loads the compiled loops: they save
#: about 6 ns per score, their start-up costs about 0.5 s and 120 MB (LLVM); measured whole processes
#: on 2 cores: ASEM N = 100,000 (56 M scores) 2.0 -> 2.1 s, 3,000 units x 60 N = 1,000 (48 M) 1.9 ->
#: 2.2 s, 10,000 units x 60 N = 1,000 (160 M) 8.4 -> 6.6 s
MIN_SCORES = 80_000_000

_LOCK = threading.Lock()
_STATE: dict = {}              # "mod": the loaded module, or None once numba failed to import


def _mode() -> str:
    v = os.environ.get("VITALITY_JIT", "auto").strip().lower()
    return {"0": "off", "false": "off", "no": "off", "off": "off",
            "1": "on", "true": "on", "yes": "on", "on": "on"}.get(v, "auto")


def wanted(scores: int) -> bool:
    """Whether a run of ``scores`` scores should use the compiled loops (see the module docstring).

    Parameters
    ----------
    scores : int
        Replications x units x aggregates of the run.

    Returns
    -------
    bool

    Examples
    --------
    >>> from vitality.jit import wanted
    >>> wanted(0) in (True, False)
    True
    """
    mode = _mode()
    if mode == "off":
        return False
    if mode == "on" or _STATE.get("mod") is not None:
        return True
    return int(scores) >= MIN_SCORES


def kernels(scores: int | None = None):
    """The compiled loops (module :mod:`vitality.jitloops`), or None: numba is not installed (or
    does not import), or ``scores`` (when given) does not repay loading them (:func:`wanted`).

    Parameters
    ----------
    scores : int, optional
        Size of the run; None: load them if numba is there and ``VITALITY_JIT`` is not 0.

    Returns
    -------
    module or None

    Examples
    --------
    >>> from vitality.jit import kernels
    >>> k = kernels(0)                 # a tiny run: only if loaded already or VITALITY_JIT=1
    """
    if _mode() == "off" or (scores is not None and not wanted(scores)):
        return None
    if "mod" in _STATE:
        return _STATE["mod"]
    with _LOCK:
        if "mod" not in _STATE:
            try:
                from . import jitloops
            except ImportError:
                _STATE["mod"] = None
            else:
                _STATE["mod"] = jitloops
    return _STATE["mod"]
