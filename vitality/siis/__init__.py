"""The 2015 SIIS report "城市对外交往活力指数研究报告", reproduced and audited with :mod:`vitality`.

Where things are (one module per notebook section; each holds that section's tables, sentences and figures):

* :mod:`~vitality.siis.paths` — where the bundled data are; :mod:`~vitality.siis.data` — loading and validating
  the report's tables; :mod:`~vitality.siis.errata` — the reviewed corrections; :mod:`~vitality.siis.labels` —
  zh/en names;
* :mod:`~vitality.siis.model` — the report's index: framework, named weightings and the one route that scores
  and ranks the cities for any weights;
* :mod:`~vitality.siis.notebook` — one call that sets a notebook up;
* sections: :mod:`~vitality.siis.rankings` (01), :mod:`~vitality.siis.clustering` (02),
  :mod:`~vitality.siis.regions` (03), :mod:`~vitality.siis.correlations` (04), :mod:`~vitality.siis.gdp_regression` (05),
  :mod:`~vitality.siis.audit` (06), :mod:`~vitality.siis.robustness` (07), :mod:`~vitality.siis.explorer`
  (the live weight explorer of 01 and 07);
* :mod:`~vitality.siis.reproduce` — runs every notebook (``python -m vitality reproduce``).
"""
