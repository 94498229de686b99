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
# # 02 · Hierarchical clustering of the 46 cities (图表 9)
#
# **What the report did.** Section 四(二) groups the 46 cities "by how close their four domain scores are"
# (按照不同城市在四个指标上的矩阵相近程度) and lists five classes in the text. 图表 9 is an SPSS dendrogram
# captioned *使用平均联接（组间）的树状图 / 重新调整距离聚类合并*: average linkage between groups (UPGMA), on SPSS's
# "rescaled distance" axis (0–25). SPSS's default interval measure for hierarchical clustering is the squared
# Euclidean distance. The printed class lists name 48 cities for 45 distinct ones: 广州 appears twice in class 2,
# 贵阳 and 西宁 twice in class 5, and 秦皇岛 is in no class.
#
# **What this notebook does.** It clusters the printed domain scores with the stated method, draws the dendrogram
# with all 46 city names, cuts it into `k` classes (numbered 1 = strongest, as in the report), and measures the
# agreement with the published classes by the adjusted Rand index (ARI: 1 = the same partition, about 0 = no better
# than chance) and a contingency table. It then scans linkages × distances × standardisation (and cut levels) to find
# which methods give the published classes (a method found this way is *consistent with* the classes, not a
# reproduction: the caption names another). All computation is in `vitality.cluster`.

# %% [markdown]
# ## Parameters
#
# - `data_dir` — folder holding `report/` and `external/` (None: the bundled `data/`).
# - `out_dir` — where tables go (`out_dir/tables/…csv`) and the provenance file.
# - `fig_dir` — where figures go (PNG 300 dpi + SVG).
# - `lang` — figure labels, `"zh"` or `"en"`.
# - `apply_errata` — apply the reviewed corrections of `data/errata.csv` (status `proposed`) to the domain scores first.
# - `seed` — random seed (only used where something is random).
# - `weights` — domain weights of the overall index (dict keyed by domain code); only used to number the classes
#   (class 1 = highest mean overall score). Default: the nominal model, equal weight per indicator (see 01).
# - `linkage`, `metric`, `standardise` — the method of the main dendrogram (default: the report's stated method,
#   average linkage between groups on squared Euclidean distances of the raw scores). `standardise`: `False` (scores
#   as printed) or `"zscore"` (SPSS's Z scores).
# - `k` — number of classes (the report has 5).
# - `rescale` — dendrogram axis in SPSS's rescaled distance 0–25 (True) or raw merge heights (False).
# - `duplicates` — cities printed twice: `"first"` / `"last"` printed class, `"drop"` them, or `"error"`.
# - `missing` — the city printed in no class: `"drop"` it from the ARI, count it as a class of its `"own"`, or `"error"`.
# - `scan_linkages`, `scan_metrics`, `scan_standardise`, `scan_k` — the grid of the method scan: every linkage SPSS
#   offers (between-groups `average`, within-groups `within`, nearest neighbour `single`, furthest neighbour
#   `complete`, `centroid`, `median`, `ward`) plus WPGMA (`weighted`, not in SPSS), × SPSS's interval distances
#   (squared Euclidean, Euclidean, block, cosine, Pearson correlation, Chebychev) × raw or z-scores (ward, centroid
#   and median only with Euclidean distances).

# %% tags=["parameters"]
data_dir = None          # None: the bundled data/ folder
out_dir = "../output"    # tables (out_dir/tables) and provenance
fig_dir = "../figures"   # figures (PNG + SVG)
lang = "zh"              # figure labels: "zh" or "en" (falls back to "en" without a CJK font)
apply_errata = False     # apply data/errata.csv before computing
seed = 2015              # random seed, where anything is random
weights = {"social": 5, "cultural": 3, "economic": 5, "political": 4}  # nominal model (class numbering only)
linkage = "average"      # SPSS "between-groups linkage" (UPGMA), as the report's 图表 9 is labelled
metric = "sqeuclidean"   # SPSS's default interval measure
standardise = False      # False: printed scores; "zscore": z-scores
k = 5                    # number of classes
rescale = True           # dendrogram axis: SPSS rescaled distance 0-25
duplicates = "first"     # cities printed twice: "first", "last", "drop", "error"
missing = "drop"         # city printed in no class: "drop", "own", "error"
scan_linkages = ["average", "within", "complete", "single", "ward", "centroid", "median", "weighted"]
scan_metrics = ["sqeuclidean", "euclidean", "cityblock", "cosine", "correlation", "chebyshev"]
scan_standardise = [False, "zscore"]
scan_k = [2, 3, 4, 5, 6, 7, 8, 9, 10]

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from vitality import cluster, plots, reporting, style
from vitality.siis import clustering, labels, model, notebook

nb = notebook.start("02_clustering", data_dir=data_dir, out_dir=out_dir, fig_dir=fig_dir, lang=lang,
                    apply_errata=apply_errata)
lang, report, tables, city_label = nb.lang, nb.report, nb.tables, nb.city_label
printed_scores, scores = nb.printed_scores, nb.scores
display(Markdown(nb.note))
total = model.overall(scores, weights)

# %% [markdown]
# ## The published classes
#
# The class lists of 四(二) as transcribed (`data/report/clusters.csv`), and the printing problems with the treatment
# the parameters choose.

# %%
published, problems = cluster.published_partition(report.clusters, units=scores.index, duplicates=duplicates)
display(problems)
clustering.class_sizes(report.clusters, published)

# %% [markdown]
# ## 图表 9 with the report's stated method
#
# Leaf labels are coloured by the reproduced class; the number in brackets is the class the report prints
# (— = not printed). The dashed line is the cut into `k` classes.

# %%
Z = cluster.linkage_matrix(scores, method=linkage, metric=metric, standardise=standardise)
stated = cluster.cluster_cities(scores, method=linkage, metric=metric, standardise=standardise, k=k, order_by=total)
cmp_stated = cluster.compare_partitions(report.clusters, stated, duplicates=duplicates, missing=missing)
caption = ("颜色 = 复现的类别；[n] = 报告的类别（— = 报告未列出）" if lang == "zh"
           else "colour = reproduced class; [n] = published class (— = not printed)")
ax = plots.dendrogram(Z, [city_label[c] for c in scores.index], classes=stated, k=k, rescale=rescale,
                       annotate=clustering.class_brackets(cmp_stated), lang=lang, caption=caption,
                       title=("图表 9 复现：" if lang == "zh" else "Figure 9 reproduced: ")
                       + labels.method_label(linkage, metric, standardise, lang))
style.save_figure(ax.figure, "fig09-dendrogram", fig_dir)
plt.show()

# %%
display(Markdown(f"**ARI = {cmp_stated.ari:.3f}** over {cmp_stated.n_compared} cities; "
                 f"{cmp_stated.n_same} of them in the same numbered class."))
ax = plots.contingency_heatmap(cmp_stated.contingency, lang=lang,
                                title=labels.method_label(linkage, metric, standardise, lang))
style.save_figure(ax.figure, "extra-cluster-contingency-stated", fig_dir)
plt.show()

# %% [markdown]
# ## Which methods give the published classes?
#
# Every linkage × distance × standardisation of the grid, cut into `k` classes, compared with the published classes
# (same duplicate/missing policies). Cophenetic correlation = how faithfully each tree represents its distances.

# %%
scan = cluster.scan_methods(scores, report.clusters, linkages=scan_linkages, metrics=scan_metrics,
                            standardise=scan_standardise, k=k, duplicates=duplicates, missing=missing, order_by=total)
reporting.save_table(scan, "02_clustering-scan", tables, index=False)
ax = plots.scan_heatmap(scan, lang=lang)
style.save_figure(ax.figure, "extra-cluster-method-scan", fig_dir)
plt.show()
scan.head(10)

# %%
best = scan.iloc[0]
stated_any_k = cluster.scan_methods(scores, report.clusters, linkages=[linkage], metrics=[metric],
                                    standardise=scan_standardise, k=scan_k, duplicates=duplicates,
                                    missing=missing, order_by=total)
display(Markdown(clustering.scan_summary(scan, stated_any_k, cmp_stated, method=linkage, metric=metric,
                                      standardise=standardise, k=k, ks=scan_k)))
stated_any_k.head(5)

# %%
best_choice = clustering.scan_choice(best)
Zb = cluster.linkage_matrix(scores, method=best["method"], metric=best["metric"], standardise=best_choice["standardise"])
best_lab = cluster.cluster_cities(scores, **best_choice, order_by=total)
cmp_best = cluster.compare_partitions(report.clusters, best_lab, duplicates=duplicates, missing=missing)
ax = plots.dendrogram(Zb, [city_label[c] for c in scores.index], classes=best_lab, k=best_choice["k"],
                       rescale=rescale, annotate=clustering.class_brackets(cmp_best), lang=lang, caption=caption,
                       title=("最佳匹配：" if lang == "zh" else "Best match: ")
                       + labels.method_label(best["method"], best["metric"], best_choice["standardise"], lang))
style.save_figure(ax.figure, "extra-dendrogram-best-match", fig_dir)
plt.show()
display(Markdown(clustering.unprinted_summary(cmp_best, label=city_label.get)))

# %% [markdown]
# ## Classes city by city
#
# Published class beside the classes of the stated method and of the best match (`02_clustering-classes.csv`).

# %%
classes = clustering.classes_table(report.cities["city_en"], total, cmp_stated, cmp_best)
reporting.save_table(classes, "02_clustering-classes", tables)
classes.sort_values(["published_class", "overall_index"], ascending=[True, False])

# %% [markdown]
# ## Verdict
#
# Published class beside reproduced class for every city the report classifies, for the stated method and for the
# best match of the scan (both numbered 1 = strongest).

# %%
stated_name = f"stated: {linkage}/{metric}/{standardise or 'raw'}"
best_name = f"best: {best['method']}/{best['metric']}/{best['standardise']}"
verdict_table = clustering.verdict_table({stated_name: cmp_stated, best_name: cmp_best}, found_by_search=[best_name])
reporting.save_table(verdict_table, "02_clustering-verdict", tables)
display(Markdown(reporting.verdict(
    verdict_table.loc[stated_name], what=f"city classes with the stated method (ARI {cmp_stated.ari:.3f})",
    cause="the printed classes do not come from this linkage on these scores; see the scan.", label=city_label.get)))
display(Markdown(reporting.verdict(
    verdict_table.loc[best_name], what=f"city classes with "
    f"{labels.method_label(best['method'], best['metric'], best_choice['standardise'], 'en')} (ARI {cmp_best.ari:.3f})",
    cause="see the table above.", label=city_label.get, found_by_search=clustering.search_counts(scan))))
display(Markdown(clustering.plain_verdict(scan, cmp_stated, problems, method=linkage, metric=metric,
                                       standardise=standardise, corrected=apply_errata, label=city_label.get)))
nb.stamp(dict(data_dir=data_dir, apply_errata=apply_errata, weights=weights, linkage=linkage, metric=metric,
                     standardise=standardise, k=k, rescale=rescale, duplicates=duplicates, missing=missing,
                     scan_linkages=scan_linkages, scan_metrics=scan_metrics, scan_standardise=scan_standardise,
                     scan_k=scan_k))
verdict_table.head(3)

# %% [markdown]
# ## References
#
# - Shanghai Institutes for International Studies (上海国际问题研究院) (2015). *城市对外交往活力指数研究报告*
#   (City International Communication Vitality Index report). Shanghai: SIIS.
# - OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User Guide*. Paris: OECD.
# - Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? *Journal of the Royal
#   Statistical Society A* 176(3), 609–634.
# - Ward, J. H. (1963). Hierarchical grouping to optimize an objective function. *JASA* 58(301), 236–244.
# - IBM SPSS Statistics, *CLUSTER* command reference (linkages BAVERAGE, WAVERAGE, SINGLE, COMPLETE, CENTROID, MEDIAN, WARD).
#
