# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Rankings — 图表 3–7
#
# **What the report did** (section 四(一), 图表 3–7). Every one of 17 indicators was scored by the cities' rank
# (score = rank × 100 / 46), the scores were combined "with equal weights" into four domain scores
# (social 社会, cultural 文化, economic 经贸, political 政治) and an overall index, and the 46 cities were
# ranked overall (图表 3) and per domain (图表 4–7). The text states that the four domains weigh 0.25 each,
# but its own example divides 0.2 among 5 indicators. The report prints the domain scores (in the regional
# tables 图表 12–19) and the ranks, but no overall score and no indicator data.
#
# **What this notebook does.** From the published domain scores it recomputes each domain ranking and the
# overall ranking under (a) the stated weighting, four domains × 0.25, (b) equal weight per indicator
# (domain weights 5 : 3 : 5 : 4 over 17), and (c) your own weights from the parameters cell, and sets every
# reproduced rank beside the published one. It does this for the tables as printed and after the
# documented errata (`data/errata.csv`, see `06_audit`), then asks which domain weights reproduce the published
# ranking at all — the whole weight space, by linear programming — and ends with a verdict.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder with `report/`, `external/` and `errata.csv` (`None` = the bundled `data/`).
# - `out_dir`, `fig_dir` — where tables (`out_dir/tables`) and figures go.
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — use the corrected tables for the headline table, chart and explorer.
# - `seed` — nothing here is random; kept so every notebook takes the same parameters.
# - `weights` — your domain weights (a dict keyed by domain code; only ratios matter). They drive the
#   headline table and `fig03-overall-ranking`, and add a preset button to the explorer (which always
#   starts at, and resets to, the nominal model). Default: the suite's nominal model,
#   equal weight per indicator (5 : 3 : 5 : 4, `vitality.siis.model.NOMINAL`), the named weighting closest to
#   the weights the published ranking allows (section 5); the stated 4 × 0.25 is always shown beside it.
# - `ties` — tie policy of the ranks: `"min"` (the report's: tied cities share the best rank), `"average"`,
#   `"max"`, `"dense"`.

# %% tags=["parameters"]
data_dir = None
out_dir = "../output"
fig_dir = "../figures"
lang = "zh"
apply_errata = False
seed = 2015
weights = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # nominal: equal weight per indicator (model.NOMINAL)
ties = "min"

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from vitality import reporting, style
from vitality.siis import explorer, notebook, rankings

nb = notebook.start("01_rankings", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables = nb.lang, nb.report, nb.tables
errata_table, applied = nb.errata_table, nb.applied
versions = {"as printed": (nb.printed_scores, nb.printed_ranks),
            "after errata": (nb.corrected_scores, nb.corrected_ranks)}
scores, published = nb.scores, nb.ranks
schemes = rankings.report_schemes(report.domains, weights)
display(Markdown(nb.note))

# %% [markdown]
# ## 1. Every published ranking recomputed from the published scores
#
# One row per ranking: `exact` counts the published ranks equal to the rank of the city's score under the
# tie policy; `consistent` also accepts a different order among tied (or, after rounding, indistinguishable)
# scores; `unexplained` are the ranks no tie or rounding can explain (a misprint in a domain ranking; in an
# `overall: …` row, unexplained under *that weighting* only, and the status says no more): whether other domain weights give those places
# is answered in section 5, and a rank is inconsistent with the scores only when no weights give it.

# %%
summary, checks = rankings.reproduce_rankings(scores, published, schemes, ties=ties)
reporting.save_table(summary, "01_rankings-agreement", tables)
summary

# %% [markdown]
# The cities whose published rank is not the rank of their score, ranking by ranking (`recomputed` is
# the closest ranking the scores allow, ties broken in the published order):

# %%
disagreements = pd.concat({k: v[v["status"] != "match"] for k, v in checks.items()}, names=["ranking", "city"])
reporting.save_table(disagreements, "01_rankings-disagreements", tables)
disagreements[["score", "published", "rule_rank", "recomputed", "status"]]

# %% [markdown]
# ## 2. The overall ranking (图表 3) under each weighting
#
# The full table: the four domain scores, the overall score and rank under each scheme, and the published
# rank. The chart shows the overall score under your `weights`; each label reads *city  new rank (published
# rank)*, green = higher than published, red = lower.

# %%
overall = rankings.overall_table(scores, published, schemes, ties=ties)
reporting.save_table(overall, "01_rankings-overall", tables)
overall.round(2)

# %%
table = explorer.rank_with_weights(scores, weights, published["overall"], ties=ties)
ax = explorer.plot_weighted_ranking(table, weights=weights, lang=lang, cities=report.cities)
style.save_figure(ax.figure, "fig03-overall-ranking", fig_dir)
plt.show()

# %% [markdown]
# The published domain scores behind every ranking, cities in the published overall order:

# %%
order = published["overall"].sort_values(kind="stable").index
ax = rankings.plot_domain_scores(scores, order, cities=report.cities, lang=lang, ranks=published["overall"],
                                 corrected=apply_errata)
style.save_figure(ax.figure, "fig04-07-domain-scores", fig_dir)
plt.show()

# %% [markdown]
# The indicator framework (图表 1), drawn from `data/framework/siis_meta.csv`, and each domain ranking on its own
# (图表 4–7): the printed scores in the published order, the published rank beside the rank recomputed from the
# printed scores (ties share the best rank; orange where they differ).
#

# %%
from vitality.siis import model as report_model, report_figures

fig = report_figures.framework_figure(report_model.framework_meta(data_dir, level="indicators"), lang=lang)
style.save_figure(fig, "fig01-framework", fig_dir)
plt.show()
for domain, number in report_figures.DOMAIN_FIGURE.items():
    fig = report_figures.domain_ranking_figure(scores, published, domain, cities=report.cities, lang=lang)
    style.save_figure(fig, f"fig{number:02d}-{domain}-ranking", fig_dir)
    plt.close(fig)


# %% [markdown]
# ## 3. With and without the errata
#
# The same comparison on the tables as printed and after applying every proposed correction of
# `data/errata.csv` (off-grid scores and inconsistent ranks found by `06_audit`).

# %%
effect = pd.concat({name: rankings.reproduce_rankings(s, r, schemes, ties=ties)[0][["exact", "consistent", "unexplained", "spearman"]]
                    for name, (s, r) in versions.items()}, axis=1)
reporting.save_table(effect, "01_rankings-errata-effect", tables)
effect

# %% [markdown]
# ## 4. Weight explorer
#
# Move the sliders (or type a weight into a slider's number) to re-weight the four domains; the weights line, the
# table and the chart follow together. Each city's new rank is set against the published rank and against the
# nominal model, **equal weight per indicator** (5 : 3 : 5 : 4 over 17, of the named weightings the one closest to
# the published ranking, section 5) — the explorer starts there and *reset* returns there. The buttons set named weightings: the
# weighting the text states (4 × 0.25) and, if they differ, your `weights`. Weights are relative: only their
# ratios matter. In a live JupyterLab kernel this is interactive; run headless (papermill, the reproduce command)
# or opened without a kernel, it shows the nominal ranking once, with a line saying to run the notebook. The
# same explorer runs without Jupyter as `python -m vitality explore`.

# %%
explorer.weight_explorer(scores, published["overall"], presets=schemes, ties=ties, lang=lang,
                         cities=report.cities, max_rows=12)

# %% [markdown]
# ## 5. Which weights did the report use? The whole weight space
#
# Not a few schemes tried, but every domain weight vector on the simplex. With the overall score a weighted mean
# of the printed domain scores, "city *i* printed above city *j*" is a linear inequality in the weights, so the
# weights that reproduce the whole published ranking form a convex region, found exactly by linear programming
# (`vitality.weightspace.consistent_region`: is it empty, and the smallest and largest value of each weight inside
# it). Two readings: the printed scores as exact, and each printed score standing for any value within half a
# printed unit (±0.005). The *margin* of a weighting is by how many score points its tightest published pair is
# kept (> 0: the weighting lies inside the region) or missed (< 0). A simplex scan counts, at every grid point,
# how many published ranks the weights reproduce; it is the figure, and a grid can only miss points. The exact
# maximum number of ranks that some weights reproduce at once, with the range of each weight over the
# best-agreement region, comes from the linear program when the region is non-empty and otherwise from a
# mixed-integer program (`vitality.weightspace.best_agreement`: one binary per order constraint); the
# table's `milp: …` columns hold it beside the grid's best (`scan …`), which is never larger.

# %%
ws_table, ws_regions, ws_scans = rankings.weight_space(versions, ties=ties)
reporting.save_table(ws_table, "01_rankings-weight-space", tables)
fig = rankings.plot_weight_space(ws_scans, ws_regions, lang=lang)
style.save_figure(fig, "extra-weight-space", fig_dir)
plt.show()
display(Markdown(rankings.weight_space_sentences(ws_table, ws_regions)))
ws_table[["reproduced", "margin", "lp_min", "lp_max", "margin: stated (4 × 0.25)", "margin: equal per indicator",
          "exact ranks: equal per indicator", "milp: best n_exact", "scan whole simplex: best n_exact",
          "scan zoom: best n_exact"]].round(4)

# %% [markdown]
# ## Verdict
#
# Reproduced beside published, ranking by ranking (tables as used above; `apply_errata` decides which):

# %%
reporting.save_table(summary, "01_rankings-verdict", tables)
nb.stamp({"weights": weights, "ties": ties, "apply_errata": apply_errata, "lang": lang})
city_label = nb.city_label
display(Markdown(rankings.verdict_lines(summary, label=city_label.get, sep='、' if lang == 'zh' else ', ',
                                        checks=checks)))
display(Markdown("**Which weights?** " + rankings.weight_space_sentences(ws_table, ws_regions)))

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
#
