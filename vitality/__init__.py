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
