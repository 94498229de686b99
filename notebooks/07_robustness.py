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
# # 07 · Robustness of the ranking: rank intervals and sensitivity (extension)
#
# **What the report did.** Section 三(三) builds the overall index as the mean of the four domain scores with the
# stated weights 0.25 each (社会、文化、经贸、政治), and section 四(一) publishes the resulting ranking (图表 3) and its
# top 10. The report never asks how much that ranking depends on its own modelling choices — step 7 of the ten
# steps of the OECD/JRC *Handbook on Constructing Composite Indicators* (uncertainty and sensitivity analysis) is
# missing.
#
# **What this notebook does.** It rebuilds the index from the published domain scores with the suite's nominal model —
# equal weight per indicator (5 : 3 : 5 : 4), of the named weightings the one closest to the published ranking in 01 (the *nominal* index) and then rebuilds it `n` times with the modelling choices drawn at random: the domain
# weights perturbed around the nominal ones (±50 % by default, a space that contains the stated 4 × 0.25 too), the aggregation (arithmetic or geometric mean) and the treatment
# of the domain scores (as published, re-ranked, or min-max rescaled). For every city it reports the median rank and
# the 5–95 % interval (`extra-rank-intervals`), measures with Sobol' indices which choice moves the ranks
# (`extra-sensitivity`), and says in plain words which places of the report's top 10 are solid and which depend on
# the weighting. All computation is in `vitality.robustness` (vectorised over replications; the same seed gives the
# same numbers); the same analysis runs from the command line as `python -m vitality uncertainty`.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder holding `report/`, `external/`, `framework/` and `errata.csv` (None: the bundled `data/`).
# - `out_dir` — where tables go (`out_dir/tables/07_robustness-….csv`) and the provenance file.
# - `fig_dir` — where figures go (PNG 300 dpi + SVG).
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — apply the reviewed corrections of `data/errata.csv` (status `proposed`) to the domain scores
#   and ranks first.
# - `seed` — seed of the Monte Carlo sample and of the Sobol' sequence: the same seed gives the same numbers.
# - `weights` — the nominal domain weights; default the suite's nominal model, equal weight per indicator
#   (5 : 3 : 5 : 4), the named weighting closest to the published ranking (01); the perturbations are drawn around them.
# - `n` — Monte Carlo replications for the rank intervals.
# - `sa_n` — Sobol' base sample (a power of 2); the sensitivity analysis runs `sa_n × (inputs + 2)` replications.
# - `normalisations` — treatments of the domain scores sampled (first = nominal): `"none"` (as published),
#   `"rank"` (re-ranked 1–46), `"minmax"` (rescaled to 1–100), also `"zscore"`, `"prank"`, `"rank_score"`.
# - `aggregations` — aggregation methods sampled (first = nominal): `"amean"`, `"gmean"`.
# - `weight_noise` — `"uniform"` (each weight × U(1 − p, 1 + p)), `"dirichlet"` (shares drawn around the nominal
#   ones) or `"fixed"` (weights not uncertain).
# - `perturbation` — p of the uniform weight noise (0.5 = ±50 %, wide enough that the sampling space contains both
#   the nominal and the stated 4 × 0.25 weights; the first code cell's message says so); `concentration` — Dirichlet
#   concentration.
# - `top` — size of the report's top group (10); `band`, `prob` — a place is *solid* when the city stays within
#   ±`band` places of its published rank in at least `prob` of the replications.
# - `interactive` — weight explorer at the end: `None` = sliders in a live notebook, a static table under
#   papermill; `True`/`False` force either.

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # apply data/errata.csv before computing
seed = 2015              # random seed, where anything is random
weights = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # nominal: equal per indicator
n = 10_000               # Monte Carlo replications
sa_n = 1024              # Sobol' base sample (a power of 2); runs: sa_n x (inputs + 2)
normalisations = ["none", "rank", "minmax"]  # the first is the nominal; none: the scores as published
aggregations = ["amean", "gmean"]            # the first is the nominal
weight_noise = "uniform"  # "uniform", "dirichlet" or "fixed"
perturbation = 0.5       # uniform weight noise: each weight x U(1 - p, 1 + p); 0.5 holds the stated weights too
concentration = 50.0     # Dirichlet concentration per sibling group (Dirichlet noise only)
top = 10                 # the report's top group
band = 1                 # a place is solid if the city stays within +-band of its published rank ...
prob = 0.9               # ... in at least this share of the replications
interactive = None       # weight explorer: None automatic, True sliders, False static

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from vitality import plots, reporting, robustness, style
from vitality.siis import explorer, notebook, rankings
from vitality.siis import model as report_model
from vitality.siis import robustness as report_robustness

nb = notebook.start("07_robustness", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables = nb.lang, nb.report, nb.tables
scores, published = nb.scores, nb.ranks
display(Markdown(nb.note))

published_overall = published["overall"]
meta = report_model.framework_meta(data_dir)
label = nb.city_label
sep = "、" if lang == "zh" else ", "
input_names = {"weights_L1": "the domain weights"}  # level 1 of this index = the four domains

choices = robustness.Choices(normalise=normalisations, aggregate=aggregations, weights=weight_noise,
                             perturbation=perturbation, concentration=concentration)
model = robustness.RobustnessModel(scores, meta, choices, weights=weights)
display(Markdown(report_robustness.inputs_message(model, weights, input_names)))

# %% [markdown]
# ## 1. The nominal index against the published ranking
#
# The nominal index is the weighted arithmetic mean of the published domain scores with equal weight per indicator —
# the named weighting closest to the published ranking in 01 (40 of 46 places as printed; the stated 4 × 0.25 gives only 15). Where it differs from 图表 3, the published ranking is not the one *this weighting* gives its scores — other domain weights close to it (it lies just outside their region) reproduce all 46 (see `01_rankings`
# and `06_audit`); the intervals below are drawn around the nominal ranks and the published ranks are marked beside
# them.

# %%
nominal = model.nominal.ranks["vitality"].astype(int)
agreement = reporting.rank_agreement(published_overall.astype(int), nominal)
display(Markdown(report_robustness.sampling_space_message(weights, report_model.weightings(), mode=weight_noise,
                                                         perturbation=perturbation)))
display(Markdown(reporting.rank_verdict(agreement, what="published overall ranks (图表 3)", label=label.get, sep=sep)))

# %% [markdown]
# ## 2. Uncertainty: how far can each city move?
#
# Each replication draws every uncertain choice independently (one seeded random generator). The chart orders the
# cities by their nominal rank: the dot is the median rank over all replications, the thick bar the 5–95 % interval,
# the thin line the full range; × marks the nominal rank and ◇ the published one.

# %%
ua = robustness.uncertainty_analysis(model, n, seed, band=2, top=top)
display(Markdown(f"**Headline.** {ua.headline_text(noun='cities')}"))
stats = report_robustness.rank_stats_table(ua, published_overall)
reporting.save_table(stats, "07_robustness-rank-stats", tables, index=False)

ax = plots.plot_rank_intervals(
    ua.rank_stats, published=published_overall, labels=label, lang=lang,
    title=(f"名义排名周围的排名区间（{n:,} 次重复）" if lang == "zh"
           else f"Rank intervals around the nominal ranking ({n:,} replications)"))
style.save_figure(ax.figure, "extra-rank-intervals", fig_dir)
plt.show()

# %%
report_robustness.widest_intervals(stats, 10)

# %% [markdown]
# ## 3. Sensitivity: which choice moves the ranks?
#
# Variance-based (Sobol') indices computed with SALib on a scrambled Sobol' sample of `sa_n × (inputs + 2)`
# replications. S1 is the share of the variance an input explains on its own, ST the share it explains together with
# its interactions with the other inputs (ST ≥ S1 up to sampling error; ST ≈ 0 means the input does not matter; a
# city whose rank never moves gets 0 everywhere). Left: for the mean absolute rank shift of all cities; right: for the
# rank of each city of the published top 10 and of the cities that can enter it, with its 5–95 % rank interval in
# brackets. Read ST together with that interval: ST is a share of the variance of the city's rank, so a large ST for
# a city whose rank hardly moves (e.g. an interval 4–4) is a large share of almost nothing.

# %%
sa = robustness.sensitivity_analysis(model, sa_n, seed)
reporting.save_table(sa.table, "07_robustness-sensitivity", tables, index=False)
shown = report_robustness.sensitivity_units(ua, published_overall, top=top, min_share=0.1)
with_interval = report_robustness.interval_labels(stats, shown, label, code="vitality")
ax, ax2 = plots.plot_sensitivity(sa, units=shown, labels=with_interval, lang=lang,
                                      input_labels={"weights_L1": "领域权重" if lang == "zh" else "domain weights"})
style.save_figure(ax.figure, "extra-sensitivity", fig_dir)
plt.show()
display(Markdown(report_robustness.main_input_message(sa, input_names, noun="cities")))
display(Markdown(report_robustness.st_note(sa, shown, label=label.get, rank_stats=stats, code="vitality",
                                           names=input_names)))
sa.for_output()[["S1", "S1_conf", "ST", "ST_conf"]].round(3)

# %% [markdown]
# ## 4. What it means for the report's top 10
#
# For each city in the published top 10: how often it stays within ±`band` place(s) of its published rank, how often
# it stays in the top 10, and which uncertain input moves its rank most (largest total-effect index).

# %%
places = report_robustness.top_places(ua, published_overall, sa, top=top, band=band, prob=prob)
rivals = report_robustness.contenders(ua, published_overall, top=top, min_share=0.1)
reporting.save_table(places, "07_robustness-top10", tables)
display(Markdown(report_robustness.robustness_statements(places, rivals, n=n, top=top, band=band, prob=prob,
                                                  label=label.get, names=input_names, sep=sep)))
places.assign(city=[label[u] for u in places.index]).round(3)

# %% [markdown]
# ## 5. Try other weights
#
# The same ranking for any four domain weights (`vitality.siis.explorer`), each city set against its published rank and
# against the nominal model, equal weight per indicator (5 : 3 : 5 : 4 over 17; see `01_rankings`), where the
# explorer starts and *reset* returns. The buttons set the weighting the text states (4 × 0.25) and, if they
# differ, the `weights` of the parameters cell. In a live notebook the sliders re-rank the cities; run headless
# (papermill, `python -m vitality reproduce`) or opened without a kernel it shows the nominal ranking once, with a
# line saying to run the notebook. `python -m vitality explore` serves the same explorer as a page.

# %%
explorer.weight_explorer(scores, published_overall, presets=rankings.report_schemes(report.domains, weights),
                         lang=lang, cities=report.cities, interactive=interactive, max_rows=15)

# %% [markdown]
# ## Verdict
#
# The published overall ranks beside the nominal index (equal weight per indicator applied to the published domain scores),
# with each city's 5–95 % rank interval under the modelling uncertainty and whether the published rank lies inside it.

# %%
verdict_table = report_robustness.verdict_table(published_overall, nominal, stats, code="vitality")
reporting.save_table(verdict_table, "07_robustness-verdict", tables)
display(Markdown(reporting.verdict(verdict_table, what="published overall ranks", label=label.get,
                                   cause=report_robustness.nominal_cause(scores, published_overall,
                                                                         name="the nominal weights") + ".")))
display(Markdown(report_robustness.robustness_message(ua, places, verdict_table, top=top, label=label, sep=sep)))
nb.stamp({"weights": weights, "n": n, "sa_n": sa_n, "seed": seed, "normalisations": normalisations,
                 "aggregations": aggregations, "weight_noise": weight_noise, "perturbation": perturbation,
                 "concentration": concentration, "top": top, "band": band, "prob": prob,
                 "apply_errata": apply_errata},
         [report_model.framework_file(data_dir)])
verdict_table

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
# - Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
#
