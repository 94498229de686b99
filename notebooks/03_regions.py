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
# # 03 · Regional comparisons (图表 10–19)
#
# **What the report did.** Section 四(三) compares eastern with western cities (图表 10: all, and the provincial
# capitals/municipalities) and northern with southern cities (图表 11: all, capitals/municipalities, the others) on
# the four domain indices, as bar charts without printed numbers. Footnote 1 lists the eastern (21), western (16)
# and northern (19) cities; it prints no southern list, and 9 of the 46 cities are in neither the eastern nor the
# western list. The text concludes that the east is ahead of the west "on the whole and on every sub-index", and
# that north and south show "no very obvious gap", the south being slightly higher. Section 四(四) then charts the
# seven regions city by city (图表 12–19; East China split into its 6 capitals/municipality and 8 other cities).
#
# **What this notebook does.** It makes the group assignment explicit (the literal lists by default, every other
# treatment a parameter), recomputes the group means behind 图表 10–11, redraws 图表 12–19, and adds what the report
# lacks: whether the group differences exceed chance (Mann–Whitney U, Welch t or a permutation test, with effect
# sizes and Holm-adjusted p) and a Kruskal–Wallis test across the seven regions with ε². All computation is in
# `vitality.stats`.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder holding `report/` and `external/` (None: the bundled `data/`).
# - `out_dir` — where tables go (`out_dir/tables/…csv`) and the provenance file.
# - `fig_dir` — where figures go (PNG 300 dpi + SVG).
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — apply the reviewed corrections of `data/errata.csv` (status `proposed`) to the domain scores first.
# - `seed` — random seed (only used where something is random).
# - `unlisted` — cities on neither printed list of an axis: `"exclude"` them or put them all on one side
#   (e.g. `"east"`). Default: excluded from east/west (the literal lists); for north/south the rest is the south
#   (the report prints no south list, so that is the only reading).
# - `overrides` — per axis, `{city: side or None}` applied last (None excludes the city), e.g.
#   `{"east_west": {"广州": "east", "深圳": "east"}}` puts unlisted coastal southern cities in the east.
# - `method` — test of the two-group differences: `"mannwhitney"` (rank-biserial r), `"welch"` or `"permutation"`
#   (both Hedges' g); `n_perm` permutations (seeded with `seed`).
# - `alpha` — significance level used in the verdict on the report's claims.
# - `region_order` — order of the cities in 图表 12–19: `"report"` (printed order) or `"score"` (overall index,
#   highest first).
# - `weights` — domain weights of the overall index tested beside the four domains (default: the nominal model,
#   equal weight per indicator; the report states 0.25 each).

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # apply data/errata.csv before computing
seed = 2015              # random seed, where anything is random
unlisted = {"east_west": "exclude", "north_south": "south"}
overrides = {"east_west": {}, "north_south": {}}  # e.g. {"east_west": {"广州": "east", "深圳": "east"}}
method = "mannwhitney"   # "mannwhitney", "welch" or "permutation"
n_perm = 9999            # permutations (only for method "permutation")
alpha = 0.05
region_order = "report"  # "report" (printed order) or "score"
weights = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # nominal model

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from vitality import reporting, stats, style
from vitality.siis import data, model, notebook, regions

nb = notebook.start("03_regions", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables, city_label = nb.lang, nb.report, nb.tables, nb.city_label
printed_scores, scores = nb.printed_scores, nb.scores
display(Markdown(nb.note))
capital = report.cities["is_capital_or_municipality"].reindex(scores.index)
total = model.overall(scores, weights)
tested = scores.assign(total=total)
domains = list(data.DOMAINS)

# %% [markdown]
# ## Who is east, west, north, south?
#
# The literal footnote lists, and the assignment used below (after `unlisted` and `overrides`).

# %%
membership = regions.compass_membership(scores.index, report.compass_lists)
ew = regions.compass_groups(scores.index, report.compass_lists, axis="east_west",
                          unlisted=unlisted.get("east_west"), overrides=overrides.get("east_west"))
ns = regions.compass_groups(scores.index, report.compass_lists, axis="north_south",
                          unlisted=unlisted.get("north_south"), overrides=overrides.get("north_south"))
groups = membership.assign(city_en=report.cities["city_en"], capital=capital, east_west=ew, north_south=ns)
reporting.save_table(groups, "03_regions-compass-membership", tables)
display(Markdown(regions.compass_message(membership, ew, ns, label=city_label.get, sep='、' if lang == 'zh' else ', ')))
groups[groups["east_west_literal"] == ""]

# %% [markdown]
# ## 图表 10 · East vs west
#
# Means of the four domain indices per group (the report plots 东部整体, 东部省会, 西部整体, 西部省会; the
# non-capital series are added). Tests per domain and for the overall index; `p_holm` adjusts over the five
# outcomes within a subset. Only one western city is not a capital (北海), so that subset cannot be tested.

# %%
ew_means = regions.compass_summary(scores, ew, capital)
ax = regions.compass_bars(ew_means, lang=lang,
                         title="图表 10：西部与东部城市对外活力指数比较" if lang == "zh"
                         else "Figure 10: east vs west, domain indices")
style.save_figure(ax.figure, "fig10-east-west", fig_dir)
plt.show()
ew_tests = regions.compare_compass(tested, ew, capital, method=method, n_perm=n_perm, seed=seed)
reporting.save_table(ew_means, "03_regions-east-west-means", tables)
reporting.save_table(ew_tests, "03_regions-east-west-tests", tables, index=False)
ew_tests[["subset", "column", "n_a", "n_b", "mean_a", "mean_b", "diff", "statistic", "p", "p_holm", "effect",
          "effect_size", "ci_low", "ci_high", "note"]].round(3)

# %% [markdown]
# ## 图表 11 · North vs south

# %%
ns_means = regions.compass_summary(scores, ns, capital)
ax = regions.compass_bars(ns_means, lang=lang,
                         title="图表 11：北部与南部城市对外活力指数比较" if lang == "zh"
                         else "Figure 11: north vs south, domain indices")
style.save_figure(ax.figure, "fig11-north-south", fig_dir)
plt.show()
ns_tests = regions.compare_compass(tested, ns, capital, method=method, n_perm=n_perm, seed=seed)
reporting.save_table(ns_means, "03_regions-north-south-means", tables)
reporting.save_table(ns_tests, "03_regions-north-south-tests", tables, index=False)
ns_tests[["subset", "column", "n_a", "n_b", "mean_a", "mean_b", "diff", "statistic", "p", "p_holm", "effect",
          "effect_size", "ci_low", "ci_high", "note"]].round(3)

# %% [markdown]
# ## 图表 12–19 · The seven regions, city by city
#
# Grouped bars of the four domain indices per city, one figure per regional table of the report.

# %%
printed_position = report.domain_scores_long.drop_duplicates("city").set_index("city")["position"]
order = printed_position if region_order == "report" else -total
panels = regions.region_panels(report.regions["region"], capital, order=order)
region_figs = regions.region_figures(scores, panels, report.regions["region_zh"], labels=city_label, lang=lang)
for fig_name, fig in region_figs.items():
    style.save_figure(fig, fig_name, fig_dir)
plt.show()

# %% [markdown]
# ## Do the seven regions differ more than chance? (not in the report)
#
# Kruskal–Wallis H per domain across the seven regions, with ε² = H/(n − 1) (0 = no separation, 1 = complete).

# %%
kw = stats.kruskal_regions(tested, report.regions["region"])
reporting.save_table(kw, "03_regions-kruskal", tables)
region_names = (dict(zip(report.regions["region"], report.regions["region_zh"])) if lang == "zh"
                else {r: r.capitalize() for r in data.REGIONS})
ax = regions.region_strip(scores, report.regions["region"], order=list(data.REGIONS), group_labels=region_names,
                        lang=lang, title="七个区域的城市得分（横线 = 中位数）" if lang == "zh"
                        else "City scores by region (bar = median)")
style.save_figure(ax.figure, "extra-regions-kruskal", fig_dir)
plt.show()
kw.round(4)

# %% [markdown]
# ## The regional tables, city by city
#
# Printed values (图表 12–19) beside the values used here (they differ only where errata were applied), with the
# panel each city is charted in (`03_regions-cities.csv`).

# %%
cities_table = regions.region_cities_table(panels, report.cities["city_en"], printed_scores, scores, total)
reporting.save_table(cities_table, "03_regions-cities", tables)
cities_table.head(8)

# %% [markdown]
# ## Verdict
#
# The report prints no numbers for 图表 10–11, so nothing there can be *reproduced*; what can be checked is its
# verbal claims: "east > west" for every domain (all cities and capitals/municipalities) — a direction in a bar
# chart, at best **consistent with** the data; "no obvious north–south gap" — a claimed absence, which a test that
# fails to reject can only leave **not contradicted by** the data; "the south slightly higher" — a direction. The
# regional tables 图表 12–19 are the inputs themselves: comparing them with themselves checks nothing (their
# internal consistency is audited in 06).

# %%
claims = regions.compass_claims(ew_tests, ns_tests, alpha=alpha)   # every column, the total included
verdict_table, v_claims, v_tables = regions.regions_verdict(claims, printed_scores, scores)
reporting.save_table(verdict_table, "03_regions-verdict", tables)
v_claims["strength"] = claims["strength"]
display(Markdown(regions.claims_message(claims, alpha=alpha, north_south=ns_tests)))
display(Markdown(regions.tables_message(v_tables)))
display(Markdown(regions.regions_plain_verdict(ew_tests, ns_tests, kw, domains=domains, alpha=alpha, method=method)))
nb.stamp(dict(data_dir=data_dir, apply_errata=apply_errata, unlisted=unlisted, overrides=overrides,
                     method=method, n_perm=n_perm, seed=seed, alpha=alpha, region_order=region_order,
                     weights=weights))
v_claims

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
#
