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
# # 05 · Vitality and economic size: regression on 2013 GDP (图表 8)
#
# **What the report did.** 图表 8 regresses the overall score (总分) and each domain index on the cities' 2013 GDP
# ("a simple bivariate regression", 四(二)) and prints r ("经济发展程度"), R² and a collinearity diagnostic (1)
# for each, concluding that economic development is the key variable. The GDP values used are not printed, and the
# overall score is never printed either: the report states equal domain weights (0.25).
#
# **What this notebook does.** It computes the overall index from the domain scores with the `weights` parameter
# (through the index engine, `vitality.stats.overall_index` → `vitality.aggregate`), fits OLS of the overall index
# and of each domain on 2013 GDP from `data/external/cities_2013.csv` — r, R², slope with a t-based confidence
# interval, p, N — lists any city without GDP, draws the scatter with the fitted line and labelled cities, and
# compares r and R² with the published ones. It adds what the report lacks: the residuals as a ranking of
# "vitality beyond economic size" — cities that engage with the world more, or less, than their GDP predicts.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder holding `report/` and `external/` (None: the bundled `data/`).
# - `out_dir` — where tables go (`out_dir/tables/…csv`) and the provenance file.
# - `fig_dir` — where figures go (PNG 300 dpi + SVG).
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — apply the reviewed corrections of `data/errata.csv` (status `proposed`) to the domain scores first.
# - `seed` — random seed (only used where something is random).
# - `weights` — domain weights of the overall index (dict keyed by domain code). Default: the nominal model, equal
#   weight per indicator (5 : 3 : 5 : 4), of the named weightings the one closest to the published ranking (01); the report states 0.25 each.
# - `alt_weights` — a second weight set reported beside (default: the stated 4 × 0.25); `None` to skip.
# - `gdp_column` — the GDP column of the cities table (100 million CNY).
# - `level` — confidence level of the slope interval.
# - `tol` — tolerance of the comparison with the published r and R²: `None` (default) = half a unit of each printed value's last decimal (0.847 → 0.0005; 0.75, printed with two decimals → 0.005), or one number for all.

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # apply data/errata.csv before computing
seed = 2015              # random seed, where anything is random
weights = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # nominal model
alt_weights = {"social": 0.25, "cultural": 0.25, "economic": 0.25, "political": 0.25}  # the stated weighting
gdp_column = "gdp_2013_100m_cny"
level = 0.95
tol = None               # None: half a unit of each printed value's last decimal; or a number

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from vitality import plots, reporting, stats, style
from vitality.siis import data, gdp_regression, labels, model, notebook

nb = notebook.start("05_gdp_regression", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables, city_label = nb.lang, nb.report, nb.tables, nb.city_label
printed_scores, scores = nb.printed_scores, nb.scores
display(Markdown(nb.note))

total = model.overall(scores, weights)
gdp = report.cities[gdp_column].reindex(scores.index)
outcomes = scores.assign(total=total)[["total"] + list(data.DOMAINS)]

# %% [markdown]
# ## GDP data
#
# Every city without a GDP value is listed here and left out of the fits (the fit tables say so too).

# %%
no_gdp = gdp.index[gdp.isna()].tolist()
display(Markdown(f"**Cities without {gdp_column}:** {'、'.join(no_gdp) if no_gdp else 'none'} "
                 f"({gdp.notna().sum()} of {len(gdp)} cities have a value)."))
report.cities.loc[scores.index, ["city_en", gdp_column, "gdp_source"]].head()

# %% [markdown]
# ## OLS of the overall index and each domain on GDP

# %%
fit = stats.ols(outcomes, gdp, level=level)
if alt_weights is not None:
    alt = stats.ols(model.overall(scores, alt_weights).rename("total (alt_weights)"), gdp, level=level)
    fit = pd.concat([fit, alt])
pub = report.gdp_regression
fit_table = gdp_regression.gdp_fit_table(fit, pub)
reporting.save_table(fit_table, "05_gdp_regression-fit", tables)
fit_table.round(4)

# %% [markdown]
# 图表 8 as the report prints it — r and R² of each index on 2013 GDP — with the values recomputed with the bundled GDP
# beside the printed ones:
#

# %%
from vitality.siis import report_figures

fig = report_figures.gdp_table_figure(fit_table, lang=lang)
style.save_figure(fig, "fig08-gdp-r-table", fig_dir, source=labels.source_note(lang, gdp=True))
plt.show()


# %%
ax = gdp_regression.gdp_scatter(total, gdp, labels=city_label, level=level, lang=lang,
                        ylabel=("总分（权重 " if lang == "zh" else "Overall index (weights ") +
                        "/".join(f"{weights[d]:g}" for d in data.DOMAINS) + ("）" if lang == "zh" else ")"),
                        title="图表 8 重算：城市对外交往活力与 2013 年 GDP（附带的 GDP 数据）" if lang == "zh"
                        else "Figure 8 recomputed: vitality and 2013 GDP (bundled GDP series)")
style.save_figure(ax.figure, "fig08-gdp-scatter", fig_dir, source=labels.source_note(lang, gdp=True))
plt.show()

# %%
fig = gdp_regression.gdp_scatter_domains(scores, gdp, labels=city_label, level=level, lang=lang)
style.save_figure(fig, "extra-gdp-scatter-domains", fig_dir, source=labels.source_note(lang, gdp=True))
plt.show()

# %% [markdown]
# ## Vitality beyond economic size (not in the report)
#
# Residual of each city from the line of the overall index on GDP: positive = more international engagement than
# its GDP predicts. `rank_change` = rank on the index minus rank on the residual (positive: the city climbs once
# size is accounted for). The published overall rank (图表 3) is shown beside.

# %%
ranking = gdp_regression.gdp_residual_table(total, gdp, report.cities["city_en"], report.rankings["overall"], level=level)
reporting.save_table(ranking, "05_gdp_regression-residuals", tables)
ax = plots.residual_bars(ranking, labels=city_label, lang=lang,
                          title="超出经济规模的对外交往活力（总分对 GDP 回归的残差）" if lang == "zh"
                          else "Vitality beyond economic size (residual of the overall index on GDP)")
style.save_figure(ax.figure, "extra-gdp-residuals", fig_dir, source=labels.source_note(lang, gdp=True))
plt.show()
display(Markdown(gdp_regression.residual_extremes_message(ranking, 5, label=city_label.get,
                                                          sep="、" if lang == "zh" else ", ")))
ranking.round(2)

# %% [markdown]
# ## Why do some printed values not come out again? Every hypothesis tried
#
# For each printed r and R² of 图表 8: the total under each named weighting; the scores after the errata; the other
# GDP vintage the bundled data document (the revised figures of the four municipalities); log GDP; Spearman; the
# published ranks (图表 3–7) in place of the scores; the scores rounded to integers; and leaving out each one of the
# 46 cities. The report does not print its GDP values, so even a value that comes out again is only *consistent
# with* this GDP series, not reproduced. Full table: `05_gdp_regression-hypotheses.csv`.

# %%
errata_scores = nb.corrected_scores
hyp_table, hyp_summary = gdp_regression.gdp_hypotheses(scores, gdp, pub, cities=report.cities, rankings=report.rankings,
                                                       errata_scores=errata_scores, gdp_column=gdp_column)
reporting.save_table(hyp_table, "05_gdp_regression-hypotheses", tables, index=False)
reporting.save_table(hyp_summary, "05_gdp_regression-hypotheses-summary", tables)
display(Markdown(gdp_regression.gdp_hypotheses_message(hyp_summary, hyp_table, len(scores), label=city_label.get,
                                                       what="printed r and R² of 图表 8")))
hyp_summary

# %% [markdown]
# ## Is the economic domain's correlation with GDP partly size?
#
# The economic domain's indicators are totals (trade, firms, tax, investment), which can grow with the size of the
# economy alone. The indicator values are not printed, so what can be tested is the domain score: its correlation
# with GDP holding the other three domains fixed (partial r, `vitality.stats.partial_correlations`), against the same
# for the other domains. Table: `05_gdp_regression-size.csv`.

# %%
size = gdp_regression.size_table(scores, gdp, level=level)
reporting.save_table(size, "05_gdp_regression-size", tables)
ind_meta = model.framework_meta(data_dir, level="indicators")
econ = ind_meta[(ind_meta["Parent"] == "economic") & (ind_meta["Type"] == "Indicator")]
display(Markdown(gdp_regression.size_message(size, domain="economic", indicators=list(econ["name_zh" if lang == "zh" else "name_en"]),
                                             units=list(econ["Unit"]), level=level)))
size.round(3)

# %% [markdown]
# ## Verdict
#
# Published r and R² (图表 8) beside the ones recomputed with the bundled GDP, within the printed precision (`tol`): at
# best *consistent with* that series, since the report prints no GDP.

# %%
rows = list(pub.index)
printed = pub.loc[rows, ["r", "r_squared"]]
tolerance = reporting.printed_tolerance(printed) if tol is None else tol
v = reporting.add_strength(reporting.compare_values(printed, fit.loc[rows, ["r", "r_squared"]], tol=tolerance),
                           inputs_printed=False)
reporting.save_table(v, "05_gdp_regression-verdict", tables)
display(Markdown(reporting.verdict(
    v, what="r and R² values of 图表 8",
    tol="half a unit of each printed value's last decimal" if tol is None else tol,
    cause=gdp_regression.gdp_cause(v), inputs_printed=False,
    not_printed="the report does not print its GDP values; the bundled series mixes vintages")))
display(Markdown(gdp_regression.gdp_plain_verdict(fit, pub, v, level=level)))
nb.stamp(dict(data_dir=data_dir, apply_errata=apply_errata, weights=weights, alt_weights=alt_weights,
                     gdp_column=gdp_column, level=level, tol=tol))
v

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
#
