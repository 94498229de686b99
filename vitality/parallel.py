"""Running independent chunks of replications: in process, on local cores (joblib) or a Dask cluster.

:func:`map_chunks` applies a picklable function to tasks and yields the results *in task order*,
so what is computed from them does not depend on how many workers ran (``jobs``) or where
(``backend``).  ``jobs=1`` runs in this process without importing joblib.  ``backend="dask"``
runs the same code path through joblib's Dask backend on the cluster whose scheduler is at
``scheduler`` (``tcp://host:8786``), or on a local cluster started for the call when ``scheduler``
is None (needs the optional extra ``vitality[dask]``).

A progress bar (tqdm, to stderr) appears only when the run has lasted ``delay`` seconds and
stderr is a terminal (``progress=None``), or always (``True``) / never (``False``).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from .errors import ConfigError

__all__ = ['BACKENDS', 'available_cores', 'resolve_jobs', 'map_chunks']

BACKENDS = ("loky", "dask")


def available_cores() -> int:
    """Cores this process may use (the affinity mask where the OS has one).

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> from vitality.parallel import available_cores
    >>> available_cores() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs) -> int:
    """``jobs`` as a positive count: 0 or a negative number counts back from the available cores
    (-1 = all, as joblib).

    Parameters
    ----------
    jobs : int
        1 = in process; -1 = every core.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> from vitality.parallel import available_cores, resolve_jobs
    >>> resolve_jobs(3), resolve_jobs(-1) == available_cores()
    (3, True)
    """
    try:
        j = int(jobs)
    except (TypeError, ValueError):
        raise ConfigError(f"jobs must be a whole number (1 = in process, -1 = every core), got {jobs!r}.") from None
    cores = available_cores()
    if j <= 0:
        j = max(1, cores + 1 + j)
    return j


@contextmanager
def _dask_client(scheduler):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("backend 'dask' needs dask.distributed. Fix: pip install 'vitality[dask]' "
                          "(or pip install 'dask[distributed]'), or use the default backend.") from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=available_cores(), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=10)
            except (OSError, TimeoutError) as e:
                raise ConfigError(f"could not reach the Dask scheduler at {scheduler!r} ({e}). Fix: start it "
                                  "(dask scheduler; dask worker ADDRESS) or check the address.") from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _progress(total: int, progress, desc: str, delay: float):
    if progress is False or total <= 0:
        return None
    if progress is None and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None                                      # not a terminal: no bar, and no tqdm import
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    disable = None if progress is None else False       # None: off when stderr is not a terminal
    return tqdm(total=total, desc=desc, unit="rep", file=sys.stderr, delay=0 if progress else delay,
                disable=disable, leave=False, dynamic_ncols=True)


def map_chunks(fn, tasks, *, sizes=None, jobs=1, backend: str | None = None, scheduler=None,
               progress=None, desc: str = "replications", delay: float = 1.5):
    """Yield ``fn(*task)`` for every task, in order.

    Parameters
    ----------
    fn : callable
        Picklable (a module-level function) when run in other processes.
    tasks : iterable of tuple
        The arguments of each call.
    sizes : sequence of int, optional
        One number per task (e.g. its replications): drives the progress bar.
    jobs : int, default 1
        Worker processes (1 = in this process, without joblib; -1 = every core).
    backend : {None, "loky", "dask"}
    scheduler : str, optional
        Address of a Dask scheduler (``backend="dask"``); None starts a local cluster.
    progress : bool or None
        Progress bar: None = only on a terminal and past ``delay`` seconds.
    desc : str
        Label of the bar.
    delay : float
        Seconds before the bar appears (``progress=None``).

    Returns
    -------
    generator
        The results, in task order whatever ran them.

    Examples
    --------
    >>> from vitality.parallel import map_chunks
    >>> list(map_chunks(divmod, [(7, 2), (9, 4)]))
    [(3, 1), (2, 1)]
    """
    tasks = list(tasks)
    sizes = list(sizes) if sizes is not None else [1] * len(tasks)
    if backend is not None and backend not in BACKENDS:
        raise ConfigError(f"backend must be one of {list(BACKENDS)}, got {backend!r}.")
    if scheduler is not None and backend != "dask":
        raise ConfigError("a scheduler address needs backend 'dask' (CLI: --backend dask --scheduler ADDRESS).")
    jobs = resolve_jobs(jobs)
    bar = _progress(sum(sizes), progress, desc, delay)
    try:
        if backend is None and (jobs == 1 or len(tasks) <= 1):
            for t, s in zip(tasks, sizes):
                yield fn(*t)
                if bar is not None:
                    bar.update(s)
            return
        from joblib import Parallel, delayed, parallel_config
        if backend == "dask":
            with _dask_client(scheduler) as client:
                n = max(1, sum(client.nthreads().values())) if jobs == 1 else jobs
                with parallel_config(backend="dask"):
                    results = Parallel(n_jobs=n, return_as="generator")(delayed(fn)(*t) for t in tasks)
                    for r, s in zip(results, sizes):
                        yield r
                        if bar is not None:
                            bar.update(s)
            return
        results = Parallel(n_jobs=jobs, backend="loky", return_as="generator")(delayed(fn)(*t) for t in tasks)
        for r, s in zip(results, sizes):
            yield r
            if bar is not None:
                bar.update(s)
    finally:
        if bar is not None:
            bar.close()
