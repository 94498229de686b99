"""The 2015 SIIS report "城市对外交往活力指数研究报告", reproduced and audited with :mod:`vitality`.

Where things are (one module per notebook section; each holds that section's tables, sentences and figures):

* :mod:`~vitality.siis.paths` — where the bundled data are; :mod:`~vitality.siis.data` — loading the report's
  tables (the loaders), with :mod:`~vitality.siis.schemas` (the tables' names, files and columns) and
  :mod:`~vitality.siis.validation` (reading a table and its row-by-row checks); :mod:`~vitality.siis.errata` —
  the reviewed corrections; :mod:`~vitality.siis.labels` — zh/en names;
* :mod:`~vitality.siis.model` — the report's index: framework, named weightings and the one route that scores
  and ranks the cities for any weights;
* :mod:`~vitality.siis.notebook` — one call that sets a notebook up;
* sections: :mod:`~vitality.siis.rankings` (01), :mod:`~vitality.siis.clustering` (02),
  :mod:`~vitality.siis.regions` (03), :mod:`~vitality.siis.correlations` (04), :mod:`~vitality.siis.gdp_regression` (05),
  :mod:`~vitality.siis.audit` (06; its figures in :mod:`~vitality.siis.audit_figures`, its statistical coherence
  in :mod:`~vitality.siis.audit_coherence`), :mod:`~vitality.siis.robustness` (07), :mod:`~vitality.siis.explorer`
  (the live weight explorer of 01 and 07; its chart in :mod:`~vitality.siis.explorer_chart`) and :mod:`~vitality.siis.explore_app` (the explorer as a page of its
  own, ``python -m vitality explore``); :mod:`~vitality.siis.report_figures` — the report's figures no section
  draws (图表 1, 4–7, 8);
* :mod:`~vitality.siis.reproduce` — runs every notebook (``python -m vitality reproduce``); then
  :mod:`~vitality.siis.deliver` — what the main command hands on: :mod:`~vitality.siis.render` (HTML of the
  executed notebooks), :mod:`~vitality.siis.handoff` (the master table, its data dictionary, provenance),
  :mod:`~vitality.siis.maps` (the cities on an offline map) and :mod:`~vitality.siis.profiles` (one page per
  city).
"""
