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
# # 06 · Audit: does the report agree with itself?
#
# **What the report did.** 三(三) states the scoring rule: per indicator the 46 cities are ranked in
# increasing order (ties share the lowest rank) and scored 100 × rank / 46; domain scores combine the
# indicator scores, and the overall index weights the four domains (社会, 文化, 经贸, 政治) 0.25 each.
# It prints the domain scores of every city (图表 12–19), the overall and domain rankings (图表 3–7),
# five cluster classes (四(二), dendrogram 图表 9), a correlation table (四(五)), a GDP regression
# (图表 8), region lists with a footnote (四(三)), and prose around all of them.
#
# **What this notebook does.** It checks those printed numbers against each other with the generic
# functions of `vitality.checks` and `vitality.siis.audit` — nothing here knows the answers: (1) whether every domain score can be a
# mean of rank scores at all, (2) whether the printed rankings follow from the printed scores, (3) how
# close each named weighting comes to the overall ranking (the domain weights that give all of it, if any, are the
# region of 01), (4) whether the cluster lists are a partition and which linkages of a scan give them (found
# by search: consistent with, not a reproduction), (5) whether the printed correlations follow from the
# printed scores and the GDP regression from the bundled GDP (recomputed: the report prints no GDP),
# (6) what the text says against the tables. It then compares what it found with the person-reviewed
# errata table `data/errata.csv` (which it only reads) and shows what the proposed corrections change.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder with `report/` and `external/` (None = the bundled `data/`).
# - `out_dir`, `fig_dir` — where tables (`out_dir/tables/06_audit-*.csv`) and figures (`extra-audit-*`) go.
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — the audit always examines the tables **as printed** and always shows the effect of the
#   errata beside them; when True it additionally re-runs every check on the corrected tables and lists the
#   findings that remain.
# - `seed` — unused (nothing is random here); kept for uniformity.
# - `errata_path`, `errata_ids` — the errata file (None = `data/errata.csv`) and the rows to apply
#   (None = every row with status `proposed`).
# - `n_cities` — n of the rank score 100 · rank / n (None = number of cities).
# - `decimals` — decimals of the printed scores; `k_max` — largest number of indicators per domain tried.
# - `ties` — the stated tie rule for ranks (`"min"`: ties share the lowest rank).
# - `schemes`, `stated_scheme` — weightings to test (any non-negative weights; they are normalised) and the
#   name of the one the text states.
# - `stated_linkage` — (linkage, distance) the dendrogram caption names: SPSS "平均联接（组间）" on its
#   default squared Euclidean distance.

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # also re-run every check on the corrected tables and list what remains
seed = 2015              # random seed, where anything is random (nothing is, here)
errata_path = None       # None: data/errata.csv
errata_ids = None        # None: every row with status 'proposed'; or a list of ids
n_cities = None          # n in the rank score 100 * rank / n; None: number of cities
decimals = 2             # decimals of the printed scores
k_max = 20               # largest number of averaged indicators tried per domain
ties = "min"             # stated tie rule: ties share the lowest rank
schemes = {
    "equal domains": {"social": 0.25, "cultural": 0.25, "economic": 0.25, "political": 0.25},
    "equal indicators": {"social": 5, "cultural": 3, "economic": 5, "political": 4},
    "text example (social 0.2)": {"social": 0.2, "cultural": 0.8 / 3, "economic": 0.8 / 3, "political": 0.8 / 3},
}
stated_scheme = "equal domains"
stated_linkage = ["average", "sqeuclidean"]

# %%
import dataclasses

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from vitality import reporting, style
from vitality.siis import audit, errata, notebook
from vitality.siis import model as report_model

nb = notebook.start("06_audit", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata, errata_path=errata_path)
pd.set_option("display.max_colwidth", 120)
lang, report, tables_dir = nb.lang, nb.report, nb.tables
errata_table, errata_file = nb.errata_table, nb.errata_file
display(Markdown(nb.note))

options = dict(n=n_cities, decimals=decimals, ties=ties, schemes=schemes, stated_scheme=stated_scheme,
               stated_linkage=tuple(stated_linkage), k_max=k_max)
printed = audit.audit_report(report, **options)                       # the tables as printed
scores_fixed, ranks_fixed, applied = errata.apply_errata(report.domain_scores, report.rankings, errata_table,
                                                         ids=errata_ids)
corrected_report = dataclasses.replace(report, domain_scores=scores_fixed, rankings=ranks_fixed)
corrected = audit.audit_report(corrected_report, **options)           # the same checks after the errata
reconciliation = errata.reconcile(printed.findings, errata_table)

# %% [markdown]
# ## Summary

# %%
agreement = audit.reconciliation_message(reconciliation, errata_table, errata_name=errata_file.name)
display(Markdown(agreement))
display(Markdown(errata.describe_applied(applied, label=nb.city_label.get)))
counts = errata.severity_counts(errata_table)
display(counts)
display(Markdown("\n".join(f"- {p}" for p in audit.summary_points(printed, after=corrected, label=nb.city_label.get))))
display(Markdown(errata.describe_high(errata_table, label=nb.city_label.get)))
reporting.save_table(counts, "06_audit-errata-counts", tables_dir)
reporting.save_table(printed.findings, "06_audit-findings", tables_dir, index=False)
reporting.save_table(reconciliation, "06_audit-reconciliation", tables_dir, index=False)
reporting.save_table(applied, "06_audit-applied", tables_dir, index=False);

# %% [markdown]
# ## 1. Score granularity
#
# Under rank scoring an indicator score is 100 · r / n with r an integer rank, so the mean of k indicator
# scores is 100 · m / (k · n) with m the integer sum of k ranks. A printed score (2 decimals) is *on the
# grid* when some integer m lies within half a printed unit of it. `infer_grid` finds, per domain, the k
# that puts the most printed values on the grid (the smallest, since multiples of k fit as well).

# %%
display(printed.grid_fit)
reporting.save_table(printed.grid_fit, "06_audit-grid-fit", tables_dir);

# %% [markdown]
# For each off-grid value the candidates are the two nearest grid values and every on-grid swap of two
# adjacent printed digits; the evidence is the domain rank each would give (against the printed domain
# ranking), whether it is a digit swap, and how many published overall ranks it makes consistent (under the
# weighting that fits best, section 3).

# %%
display(printed.off_grid[["unit", "domain", "printed", "k", "m_printed", "proposed", "confidence", "candidates"]])
reporting.save_table(printed.candidates, "06_audit-off-grid-candidates", tables_dir, index=False)
reporting.save_table(printed.off_grid, "06_audit-off-grid", tables_dir, index=False)
fig, ax = plt.subplots(figsize=(9, 5))
audit.plot_grid(report.domain_scores, n=printed.params["n"], k=printed.params["k"], proposals=printed.off_grid,
                decimals=decimals, lang=lang, cities=report.cities, ax=ax)
style.save_figure(fig, "extra-audit-grid", fig_dir)
plt.show()

# %% [markdown]
# ## 2. Rankings vs scores
#
# Every printed ranking is recomputed from the printed scores (the overall one from the weighted domain
# scores, with the best-fitting weights of section 3). A disagreement is **tie handling** when the city is
# tied and the printed rank is another permitted tie rank, **rounding** when scores equal within the printed
# precision would allow it, and **unexplained** otherwise (a misprint,
# or in an overall ranking possibly another weighting). `recomputed` breaks ties in the printed order,
# so it is the smallest correction that makes the ranking consistent. The figure plots printed minus
# recomputed rank for every city (top: printed tables; bottom: after the errata).

# %%
counts_rank = audit.ranking_status_counts({"printed": printed, "after errata": corrected})
display(counts_rank)
reporting.save_table(counts_rank, "06_audit-ranking-status", tables_dir)
problems = audit.ranking_problems(printed)
display(problems[problems["status"] == "unexplained"])
reporting.save_table(problems, "06_audit-ranking-check", tables_dir)
sequences = pd.concat(printed.sequences, names=["ranking", "row"])
display(sequences)
reporting.save_table(sequences, "06_audit-rank-sequence", tables_dir);

# %%
overall_title = {"zh": f"综合（{printed.best_scheme}）", "en": f"Overall ({printed.best_scheme})"}[lang]
# one row per ranking, printed | after errata side by side: readable at page width
fig, grid = plt.subplots(len(printed.rankings), 2, figsize=(9, 2.9 * len(printed.rankings)), squeeze=False,
                         sharex=True, sharey=True)
axes = audit.plot_rank_checks(printed.rankings, after=corrected.rankings, lang=lang, cities=report.cities,
                              titles={"overall": overall_title}, axes=grid.T)
fig.tight_layout()
style.save_figure(fig, "extra-audit-rank-check", fig_dir)
plt.show()

# %% [markdown]
# ## 3. Which weighting was used?
#
# The overall ranking (图表 3) is the only published result of the aggregation (no overall score is
# printed). Each scheme is tested on the printed domain scores and on the corrected ones: exact matches
# (ties broken in the printed order), ranks consistent with the scores (match, tie handling or rounding),
# Spearman ρ, Kendall τ and the largest shift.

# %%
weighting = pd.concat({"printed": printed.weighting, "after errata": corrected.weighting}, names=["data", "scheme"])
display(weighting.drop(columns=["disagreeing"]))
reporting.save_table(weighting, "06_audit-weighting", tables_dir)
fig, ax = plt.subplots(figsize=(8, 3.4))
audit.plot_weighting(printed.weighting, corrected.weighting, lang=lang, ax=ax)
style.save_figure(fig, "extra-audit-weighting", fig_dir)
plt.show()

# %% [markdown]
# ## 4. Clusters
#
# The printed class lists (四(二)) should name each of the 46 cities once. The linkage scan clusters the
# printed domain scores with every linkage × distance × standardisation, cuts the tree into the printed
# number of classes and compares with the printed classes (adjusted Rand index, cities in the best matching),
# placing the omitted cities where the matching puts them.

# %%
display(printed.cluster_lists)
reporting.save_table(printed.cluster_lists, "06_audit-cluster-lists", tables_dir, index=False)
display(printed.linkage.head(12))
display(Markdown(f"Stated linkage ({stated_linkage[0]}, {stated_linkage[1]}):"))
display(audit.linkage_rows(printed.linkage, *stated_linkage))
reporting.save_table(printed.linkage, "06_audit-linkage", tables_dir, index=False);

# %% [markdown]
# ## 5. Correlations and the GDP regression
#
# The correlation table (四(五)) and the regression on 2013 GDP (图表 8) are recomputed from the printed
# scores (and from the corrected ones). The regression uses the bundled GDP series
# (`data/external/cities_2013.csv`; the report does not print its GDP values) and, for the total, the
# named weighting closest to the overall ranking (section 3; no named weighting reproduces all of it).

# %%
corr = pd.concat({"printed": printed.correlations, "after errata": corrected.correlations}, names=["data", "pair"])
display(corr)
reporting.save_table(corr, "06_audit-correlations", tables_dir)
if printed.regression is not None:
    reg = pd.concat({"printed": printed.regression, "after errata": corrected.regression}, names=["data", "domain"])
    display(reg)
    reporting.save_table(reg, "06_audit-regression", tables_dir)
fig, ax = plt.subplots(figsize=(8, 5))
audit.plot_statistics(audit.statistics_comparison(printed), audit.statistics_comparison(corrected), lang=lang, ax=ax)
style.save_figure(fig, "extra-audit-statistics", fig_dir)
plt.show()

# %% [markdown]
# ## 6. Text vs tables
#
# The footnote of 四(三) defines east, west and north cities for 图表 10–11; `list_coverage` shows who
# is in neither of two lists meant to split the cities. Contradictions *inside the text* (the worked example
# of the method, the weight example, the named normalisation, the prose under each regional table) cannot
# be recomputed from the tables: they were found by reading, checked against the text and recorded as data
# in the errata table (kind `text contradiction`), shown here as recorded.

# %%
display(printed.coverage)
reporting.save_table(printed.coverage, "06_audit-list-coverage", tables_dir)
text_rows = errata_table[errata_table["kind"] == "text contradiction"]
display(text_rows[["id", "location", "item", "printed_value", "severity", "evidence"]])

# %% [markdown]
# ## 7. Statistical coherence: which domain really drives the index?
#
# As the EU JRC audits composite indicators: do the four domains hold together (Cronbach's α, principal
# components), and how important is each domain *in effect*, compared with its nominal weight? Effective importance
# is the correlation ratio S_i = V[E(y | x_i)] / V(y) of Paruolo, Saisana & Saltelli (2013) — the share of the
# variance of the index y that domain x_i explains — estimated with a least-squares cubic B-spline of y on x_i
# (3 interior knots at quantiles; `vitality.coherence`), normalised to sum 1 so it can be set beside the weights,
# with a bootstrap 5–95 % interval over resampled cities. Computed for the nominal (equal per indicator) and the
# stated weighting, on the printed scores.

# %%
coh_importance, coh_structure, coh_report = audit.coherence_tables(report.domain_scores, seed=seed)
reporting.save_table(coh_importance, "06_audit-coherence", tables_dir)
reporting.save_table(coh_structure, "06_audit-coherence-structure", tables_dir, index=False)
fig = audit.plot_coherence(coh_importance, lang=lang)
style.save_figure(fig, "extra-coherence", fig_dir)
plt.show()
display(Markdown(audit.coherence_sentences(coh_importance, coh_report, nominal=report_model.NOMINAL,
                                           stated=report_model.STATED)))
coh_importance.round(3)

# %% [markdown]
# ## Findings table
#
# All rows of the errata table (`data/errata.csv`, person-reviewed; this notebook only reads it) with the
# reconciliation against the audit's own findings.

# %%
shown = errata.with_audit_status(errata_table, reconciliation)
display(shown)
reporting.save_table(shown, "06_audit-errata", tables_dir, index=False)
if apply_errata:
    remaining = corrected.findings
    display(Markdown(f"**After the errata** {len(remaining)} machine-detectable finding(s) remain:"))
    display(remaining)
    reporting.save_table(remaining, "06_audit-findings-after-errata", tables_dir, index=False)

# %% [markdown]
# ## Verdict
#
# One row per check, with the strength of evidence it supports (`strength`, the words of `docs/CONVENTIONS.md`) and
# what it can and cannot show. Checks *after errata* are partly circular — the errata were derived from this
# audit, and some off-grid corrections were chosen by their fit to the overall ranking — so they can show at most
# that the corrected tables are consistent, never that the corrections are right. The agreement of the audit with
# the errata table is bookkeeping, not evidence.

# %%
verdict_table = audit.verdict_table(printed, corrected, reconciliation)
display(verdict_table)
reporting.save_table(verdict_table, "06_audit-verdict", tables_dir, index=False)
cause = audit.correlation_cause(printed, corrected)
city_label = nb.city_label
lines = audit.verdict_sentences(corrected, best_scheme=printed.best_scheme, correlation_cause=cause,
                                label=city_label.get, sep="、" if lang == "zh" else ", ", printed=printed)
display(Markdown("\n\n".join([*lines, agreement, audit.coherence_sentences(coh_importance, coh_report,
    nominal=report_model.NOMINAL, stated=report_model.STATED)])))
nb.stamp({"data_dir": data_dir, "lang": lang, "apply_errata": apply_errata, "errata_ids": errata_ids,
                 "n_cities": n_cities, "decimals": decimals, "k_max": k_max, "ties": ties, "schemes": schemes,
                 "stated_scheme": stated_scheme, "stated_linkage": stated_linkage},
         [errata_file] if errata_file.exists() else []);

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
# - Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika* 16(3), 297–334.
#
