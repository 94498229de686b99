"""The report's index model, in one place: its framework (``data/framework/``), its named weightings and the
one route that scores and ranks the cities for any domain weights.

Every notebook, the weight explorer, the audit and the robustness model score the cities through
:func:`score`, which builds the index with the engine (:func:`vitality.build_index` on the framework
metadata ``data/framework/siis_domains_meta.csv``: no normalisation, weighted arithmetic mean, ranks
descending). The weights are checked once, by the engine.

The named weightings (:func:`weightings`) are defined here and nowhere else:

* ``STATED`` — the report's text (三(三)): the four domains weighted 0.25 each;
* ``EQUAL_PER_INDICATOR`` — every one of the 17 indicators the same weight, i.e. domain weights
  proportional to the number of indicators per domain (5 : 3 : 5 : 4). Notebook 01 shows that this,
  not the stated weighting, is what the published overall ranking follows; it is the suite's
  nominal model (:data:`NOMINAL`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..errors import ConfigError
from ..index import build_index, read_meta_csv
from . import paths
from .data import DOMAINS

__all__ = ['STATED', 'EQUAL_PER_INDICATOR', 'NOMINAL', 'TOP', 'framework_file', 'framework_meta', 'indicator_counts',
           'weightings', 'domain_weights', 'score', 'overall', 'plausible_schemes']

#: name of the stated weighting (4 domains × 0.25)
STATED = "stated (4 × 0.25)"
#: name of the weighting with every indicator equal (domain weights 5 : 3 : 5 : 4)
EQUAL_PER_INDICATOR = "equal per indicator"
#: the suite's nominal model: the weighting the published overall ranking follows (notebook 01)
NOMINAL = EQUAL_PER_INDICATOR
#: code of the index (the top node of the framework)
TOP = "vitality"


def framework_file(data_dir=None, *, level: str = "domains") -> Path:
    """Path of the framework metadata file :func:`framework_meta` reads (for provenance records)."""
    names = {"domains": "siis_domains_meta.csv", "indicators": "siis_meta.csv"}
    if level not in names:
        raise ConfigError(f"level={level!r}: choose 'domains' or 'indicators'.")
    name = names[level]
    folder = Path(data_dir) / "framework" if data_dir is not None else paths.DATA / "framework"
    path = folder / name
    if not path.is_file():
        path = paths.DATA / "framework" / name      # a data folder of one's own may omit the framework
    return path


@lru_cache(maxsize=8)
def _read_meta(path: str) -> pd.DataFrame:
    return read_meta_csv(path)


def framework_meta(data_dir=None, *, level: str = "domains") -> pd.DataFrame:
    """The report's framework metadata (COINr ``iMeta`` layout).

    ``level="domains"``: the four domains under the index (``siis_domains_meta.csv``), the framework the
    printed domain scores are aggregated in; ``level="indicators"``: the 17 indicators under their
    domains (``siis_meta.csv``). Read from ``data_dir/framework/`` when that folder has the file, else
    from the bundled ``data/framework/``.
    """
    return _read_meta(str(framework_file(data_dir, level=level))).copy()


def indicator_counts(data_dir=None) -> dict[str, int]:
    """Number of indicators per domain in the framework metadata: ``{'social': 5, 'cultural': 3, ...}``."""
    meta = framework_meta(data_dir, level="indicators")
    ind = meta[meta["Type"] == "Indicator"] if "Type" in meta.columns else meta
    counts = ind.groupby("Parent", sort=False).size()
    return {d: int(counts.get(d, 0)) for d in DOMAINS}


def weightings(k: Mapping[str, int] | None = None, *, user: Mapping[str, float] | None = None) -> dict[str, dict]:
    """The named domain weightings, as shares summing to 1: ``{STATED: {...}, EQUAL_PER_INDICATOR: {...}}``.

    ``k`` is the number of indicators per domain (default :func:`indicator_counts`). With ``user`` weights
    that differ from both, a third entry ``'your weights'`` is added.

    Examples
    --------
    >>> w = weightings({"social": 5, "cultural": 3, "economic": 5, "political": 4})
    >>> round(w[EQUAL_PER_INDICATOR]["social"], 4), w[STATED]["social"]
    (0.2941, 0.25)
    """
    k = indicator_counts() if k is None else dict(k)
    schemes = plausible_schemes({d: int(k[d]) for d in DOMAINS}, stated={d: 0.25 for d in DOMAINS})
    out = {STATED: schemes["equal domains"], EQUAL_PER_INDICATOR: schemes["equal indicators"]}
    if user is not None:
        w = domain_weights(user)
        if not any(max(abs(w[d] - s[d]) for d in DOMAINS) < 1e-12 for s in out.values()):
            out["your weights"] = w
    return out


def domain_weights(weights: Mapping[str, float] | str | None = None) -> dict[str, float]:
    """Domain weights as shares summing to 1, checked by the engine (every domain once, finite, >= 0, not
    all zero). ``weights`` may be a dict, a weighting name of :func:`weightings` or None (:data:`NOMINAL`)."""
    if weights is None:
        weights = NOMINAL
    if isinstance(weights, str):
        named = weightings()
        if weights not in named:
            raise ConfigError(f"weights={weights!r} is not a named weighting; choose one of {list(named)} or give "
                              "a dict {domain: weight}.")
        return dict(named[weights])
    res = _build(pd.DataFrame([[1.0] * len(DOMAINS)], columns=list(DOMAINS), index=["_"]), weights)
    w = res.weights.reindex(list(DOMAINS)).astype(float)
    return {d: float(v) for d, v in (w / w.sum()).items()}


def _build(domain_scores: pd.DataFrame, weights, ties: str = "min"):
    if not isinstance(weights, (Mapping, pd.Series)):
        raise ConfigError(f"weights must be a dict {{domain: weight}} with the domains {list(DOMAINS)}; got "
                          f"{type(weights).__name__} (matching by position is refused).")
    w = {str(k): v for k, v in dict(weights).items()}
    unknown = [c for c in w if c not in DOMAINS]
    missing = [d for d in DOMAINS if d not in w]
    if unknown or missing:
        parts = ([f"unknown domain code(s) {unknown}"] if unknown else []) + (
            [f"missing a weight for {missing}"] if missing else [])
        raise ConfigError(f"weights: {'; '.join(parts)}. Valid codes: {list(DOMAINS)} (give each exactly once).")
    try:
        vals = {d: float(w[d]) for d in DOMAINS}
    except (TypeError, ValueError):
        raise ConfigError(f"weights must be numbers; got {w}.") from None
    return build_index(domain_scores[list(DOMAINS)], framework_meta(), normalise="none", weights=vals,
                       aggregate="amean", ties=ties)


def score(domain_scores: pd.DataFrame, weights: Mapping[str, float] | str | None = None, *,
          ties: str = "min") -> pd.DataFrame:
    """Overall score and rank of every city for the given domain weights — the suite's one route.

    Parameters
    ----------
    domain_scores : DataFrame
        One row per city, the four domain columns (``social, cultural, economic, political``).
    weights : dict, str or None
        ``{domain: weight}`` (relative; every domain once), a weighting name of :func:`weightings`, or None
        for :data:`NOMINAL`.
    ties : str
        Tie rule of the ranks (:data:`vitality.normalise.TIES`).

    Returns
    -------
    DataFrame indexed like ``domain_scores``: ``score`` (weighted arithmetic mean, unrounded) and ``rank``
    (1 = highest).
    """
    if isinstance(weights, str) or weights is None:
        weights = domain_weights(weights)
    if not isinstance(domain_scores, pd.DataFrame):
        raise ConfigError("score needs the domain scores as a DataFrame (one column per domain).")
    res = _build(domain_scores, weights, ties)
    return pd.DataFrame({"score": res.scores[TOP], "rank": res.ranks[TOP]}, index=domain_scores.index)


def overall(domain_scores: pd.DataFrame, weights: Mapping[str, float] | str | None = None) -> pd.Series:
    """The overall score ("总分") of each city for the given weights (:func:`score`), named ``total``."""
    return score(domain_scores, weights)["score"].rename("total")


def plausible_schemes(k: Mapping[str, int], *, stated: Mapping[str, float] | None = None) -> dict[str, dict]:
    """Weighting schemes worth testing for a rank-scored index with ``k[d]`` indicators per domain.

    * ``'equal domains'``: every domain the same weight (or ``stated``, if given);
    * ``'equal indicators'``: every indicator the same weight, i.e. domain weight ∝ ``k[d]`` — the
      overall score is then the mean of all indicator scores;
    * ``'equal indicators within … only'`` is not listed: add your own schemes to the dict.
    """
    eq = {d: 1.0 / len(k) for d in k} if stated is None else dict(stated)
    total = sum(k.values())
    return {"equal domains": eq, "equal indicators": {d: k[d] / total for d in k}}
