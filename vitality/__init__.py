"""vitality — reproduce, audit and extend the SIIS City International Communication Vitality Index.

The library computes; the notebooks in ``notebooks/`` narrate.  Modules by stage:

* :mod:`vitality.io` — loading and validating the bundled tables (``data/``);
* :mod:`vitality.framework`, :mod:`vitality.normalise`, :mod:`vitality.weights`,
  :mod:`vitality.aggregate`, :mod:`vitality.index` — the composite-indicator engine;
* :mod:`vitality.cluster`, :mod:`vitality.stats` — clustering, correlation, regression, group comparison;
* :mod:`vitality.plotting` — figure style, CJK font discovery, plot functions returning Axes;
* :mod:`vitality.reproduce` — runs every notebook with papermill.
"""

__version__ = "0.1.0"

from .errors import VitalityError, DataValidationError, ConfigError  # noqa: F401

# The engine's flat namespace (pingouin-style): DataFrame in, DataFrame out, methods chosen by name.
from .aggregate import aggregate  # noqa: E402,F401
from .framework import Framework  # noqa: E402,F401
from .index import IndexResult, build_index, rebuild  # noqa: E402,F401
from .normalise import normalise  # noqa: E402,F401
from .ranking import rank_desc  # noqa: E402,F401
from .weights import entropy_weights, pca_weights, resolve_weights  # noqa: E402,F401
