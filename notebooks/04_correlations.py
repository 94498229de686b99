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
# # 04 · Correlations between the four domains (四(五))
#
# **What the report did.** Section 四(五) prints an SPSS table of Pearson correlations between the social, cultural,
# economic and political indices: r, two-sided significance and N = 46, with ** for p < .01. It concludes that all
# four are highly and positively correlated, economic–cultural least.
#
# **What this notebook does.** It recomputes Pearson r, two-sided p, N and SPSS-style stars from the printed domain
# scores (`vitality.stats.pearson_matrix`), draws a heatmap with the published r beside ours, and compares each
# published value with the reproduced one. As a sensitivity check it also shows r after the reviewed score
# corrections of `data/errata.csv`.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder holding `report/` and `external/` (None: the bundled `data/`).
# - `out_dir` — where tables go (`out_dir/tables/…csv`) and the provenance file.
# - `fig_dir` — where figures go (PNG 300 dpi + SVG).
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — apply the reviewed corrections of `data/errata.csv` (status `proposed`) to the domain scores first.
# - `seed` — random seed (only used where something is random).
# - `columns` — the domains to correlate, in order.
# - `ci` — level of the Fisher-z confidence interval of r.
# - `tol` — tolerance of the comparison with the published r (printed with 3 decimals: ±0.0005 is rounding).

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # apply data/errata.csv before computing
seed = 2015              # random seed, where anything is random
columns = ["social", "cultural", "economic", "political"]
ci = 0.95
tol = 0.0005

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from vitality import reporting, stats, style
from vitality.siis import correlations, data, notebook

nb = notebook.start("04_correlations", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables, city_label = nb.lang, nb.report, nb.tables, nb.city_label
printed_scores, scores = nb.printed_scores, nb.scores
display(Markdown(nb.note))

# %% [markdown]
# ## Reproduced correlation table

# %%
corr = stats.pearson_matrix(scores, columns=columns, ci=ci)
# sensitivity: r after the reviewed score corrections (whatever apply_errata says)
errata_scores = nb.corrected_scores
side = correlations.correlation_table(scores, report.correlations, columns=columns, ci=ci, errata_scores=errata_scores)
reporting.save_table(side, "04_correlations-table", tables)
side.round(4)

# %%
ax = correlations.correlation_heatmap(corr, published=data.correlation_matrix(report.correlations).loc[columns, columns],
                                lang=lang)
style.save_figure(ax.figure, "extra-correlation-heatmap", fig_dir)
plt.show()

# %% [markdown]
# ## Why do the printed r not reproduce? Every hypothesis tried
#
# For each printed r: Pearson, Spearman and Kendall on the printed scores; Pearson and Spearman on the published
# domain ranks (图表 4–7); the scores after the errata; the scores rounded to one decimal and to integers; and
# leaving out each one of the 46 cities (N = 45). A hypothesis *matches* a printed value when it gives it within
# half a printed unit (±0.0005). Only the report's stated method (Pearson on the printed scores) can *reproduce* a
# printed r; a match among the many variants tried is a hit found by search, said as such, not a reproduction.
# The full table is `04_correlations-hypotheses.csv`.

# %%
hyp_table, hyp_summary = correlations.correlation_hypotheses(printed_scores, report.correlations,
                                                             errata_scores=errata_scores,
                                                             published_ranks=report.rankings, tol=tol)
reporting.save_table(hyp_table, "04_correlations-hypotheses", tables, index=False)
reporting.save_table(hyp_summary, "04_correlations-hypotheses-summary", tables)
display(Markdown(correlations.hypotheses_message(hyp_summary, hyp_table, len(printed_scores), label=city_label.get)))
hyp_summary

# %% [markdown]
# ## Verdict
#
# Published r beside reproduced r (tolerance `tol`), and the significance stars.

# %%
verdict_table, v_r, v_stars = correlations.correlation_verdict(side, tol=tol)
reporting.save_table(verdict_table, "04_correlations-verdict", tables)
errata_shift = correlations.errata_r_shift(side, printed_scores, columns=columns)
display(Markdown(reporting.verdict(
    v_r, what=f"correlations ({correlations.scores_version(apply_errata)})", tol=tol,
    cause=correlations.correlation_cause(v_r, errata_shift))))
display(Markdown(reporting.verdict(v_stars, what="significance flags (** p < .01, two-sided)")))
display(Markdown(correlations.correlation_plain_verdict(side, tol=tol, corrected=apply_errata)))
display(Markdown("**Hypotheses tried for the printed r that differ:** " + correlations.hypotheses_message(
    hyp_summary, hyp_table, len(printed_scores), label=city_label.get)))
nb.stamp(dict(data_dir=data_dir, apply_errata=apply_errata, columns=columns, ci=ci, tol=tol))
v_r

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
#
