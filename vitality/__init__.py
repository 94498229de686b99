"""vitality — a small, fast composite-indicator library, and the 2015 SIIS report reproduced with it.

Two layers. The generic library (this package) builds, checks and analyses any composite index (the
46 cities and COINr's ASEM example alike) and never imports the report layer:

* :mod:`vitality.framework`, :mod:`vitality.metadata`, :mod:`vitality.normalise`, :mod:`vitality.weights`,
  :mod:`vitality.aggregate`, :mod:`vitality.ranking`, :mod:`vitality.index` — the engine: the hierarchy and
  its weight matrices, reading and checking the metadata table, normalisers, weights, aggregation, ranks,
  ``build_index`` / ``rebuild``;
* :mod:`vitality.tables` (one reading path for every table a user brings: CSV or ``.xlsx``),
  :mod:`vitality.csvfast` (fast, byte-identical CSV writing), :mod:`vitality.outputs` (output folders: never
  inside a data folder, marked incomplete when interrupted);
* :mod:`vitality.robustness` — uncertainty and sensitivity analysis of the modelling choices (the model of
  the uncertain choices in :mod:`vitality.robustness_model`, its batched scoring kernel in
  :mod:`vitality.mcbatch`), with its fast paths :mod:`vitality.rankstats` (rank statistics of many replications), :mod:`vitality.sobolfast` (Sobol'
  estimators), :mod:`vitality.sortsum` (in-place row sorting), :mod:`vitality.jit` (the opt-in numba
  loops of :mod:`vitality.jitloops`) and :mod:`vitality.parallel` (chunks on local cores or a Dask
  cluster);
* :mod:`vitality.cluster` — hierarchical clustering and partition comparison;
* :mod:`vitality.stats` — correlation, regression, group comparisons;
* :mod:`vitality.checks` — consistency checks of a published table (score grids in :mod:`vitality.checks_grid`,
  rankings vs scores and weightings in :mod:`vitality.checks_ranks`, clusters, lists, printed statistics); :mod:`vitality.weightspace` — every weight vector consistent with
  a published ranking (linear programming and simplex scans); :mod:`vitality.coherence` — statistical
  coherence (Cronbach's α, principal components, effective importance of each component);
* :mod:`vitality.reporting` — published-beside-reproduced comparisons, verdict words, tables and provenance;
* :mod:`vitality.style`, :mod:`vitality.plots` — figure style (CJK fonts, saving) and plot primitives;
* :mod:`vitality.cli`, :mod:`vitality.index_cli`, :mod:`vitality.robustness_cli` — the command line;
* :mod:`vitality.errors`, :mod:`vitality.messages` (code lists, "did you mean"), :mod:`vitality._version`.

The report layer, :mod:`vitality.siis`, holds everything about the 2015 report: its data, errata, labels,
model, one module per notebook section and the ``reproduce`` runner.
"""

from ._version import __version__
from .aggregate import aggregate
from .errors import ConfigError, DataValidationError, VitalityError
from .framework import Framework
from .index import IndexResult, build_index, rebuild
from .normalise import normalise
from .ranking import rank_desc
from .weights import entropy_weights, pca_weights, resolve_weights

__all__ = ["__version__", "aggregate", "ConfigError", "DataValidationError", "VitalityError", "Framework",
           "IndexResult", "build_index", "rebuild", "normalise", "rank_desc", "entropy_weights", "pca_weights",
           "resolve_weights"]
