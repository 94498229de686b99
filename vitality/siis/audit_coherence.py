"""Notebook 06's statistical coherence of the four domains (:mod:`vitality.coherence`), as the JRC audits do:
Cronbach's α, principal components and each domain's effective importance under the named weightings, with
the sentences and the figure of that section."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .. import coherence
from .data import DOMAINS
from .labels import domain_name
from .model import weightings

__all__ = ['coherence_tables', 'coherence_sentences', 'plot_coherence']


def coherence_tables(scores: pd.DataFrame, *, smoother: str = "bspline", n_boot: int = 200,
                     seed=2015) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Coherence of the four domains under the two named weightings (:func:`vitality.siis.model.weightings`).

    Returns
    -------
    (importance, structure, report)
        ``importance``: :func:`vitality.coherence.importance_table` (per weighting × domain: weight, r with the
        index, S_i, S_i normalised, ratio) with each domain's PC1 loading and the bootstrap standard error and
        5–95 % interval of S_i normalised (``n_boot`` resamples of the cities, ``seed``); ``structure``: one row per statistic
        (Cronbach's α raw and standardised, and for each principal component its eigenvalue and share);
        ``report``: :func:`vitality.coherence.coherence_report`.
    """
    X = scores[list(DOMAINS)]
    rep = coherence.coherence_report(X, weightings(), smoother=smoother)
    imp = rep["importance"].copy()
    imp["pc1_loading"] = [rep["loadings"].at[c, "PC1"] for _, c in imp.index]
    boot = pd.concat({name: coherence.bootstrap_importance(X, w, n_boot=n_boot, seed=seed, smoother=smoother)
                      for name, w in weightings().items()}, names=["weighting", "component"])
    imp = imp.join(boot)
    rows = [{"statistic": "Cronbach's alpha", "component": "", "value": rep["alpha"]},
            {"statistic": "Cronbach's alpha (standardised)", "component": "", "value": rep["alpha_standardised"]}]
    for pc, r in rep["variance"].iterrows():
        rows += [{"statistic": "eigenvalue", "component": pc, "value": r["eigenvalue"]},
                 {"statistic": "variance share", "component": pc, "value": r["share"]}]
    return imp, pd.DataFrame(rows), rep


def coherence_sentences(importance: pd.DataFrame, report: dict, *, nominal: str, stated: str) -> str:
    """Plain words on :func:`coherence_tables`: do the domains hold together, and which one really drives the
    index under the nominal weighting, compared with what its weights say (every number from the tables)."""
    var = report["variance"]
    a = report["alpha"]
    n_above_1 = int((var["eigenvalue"] > 1).sum())
    lines = [f"- **Do the four domains hold together?** Cronbach's α = {a:.3f} (standardised "
             f"{report['alpha_standardised']:.3f}; 0.7 is the usual threshold). The first principal component "
             f"explains {var.loc['PC1', 'share']:.1%} of the variance, and {n_above_1} component(s) have an eigenvalue "
             + (f"above 1: one dominant dimension ({1 - var.loc['PC1', 'share']:.1%} of the variance "
                "lies in the other components)" if n_above_1 == 1 else
                "above 1: more than one dimension (Kaiser's rule)")
             + "; every domain loads on the first with "
             f"{report['loadings']['PC1'].min():.2f}–{report['loadings']['PC1'].max():.2f}."]
    for name in (nominal, stated):
        t = importance.xs(name, level="weighting")
        top = t["S_i"].idxmax()
        more = [d for d in t.index if t.at[d, "S_i_norm_q05"] > t.at[d, "weight"]]
        less = [d for d in t.index if t.at[d, "S_i_norm_q95"] < t.at[d, "weight"]]
        parts = ", ".join(f"{d} {t.at[d, 'S_i_norm']:.2f} [{t.at[d, 'S_i_norm_q05']:.2f}–{t.at[d, 'S_i_norm_q95']:.2f}] "
                          f"(weight {t.at[d, 'weight']:.2f})" for d in t.index)
        lines.append(f"- **Under {name}**, effective importance (S_i normalised to sum 1) against the "
                     f"weight this weighting gives the domain: {parts}. The largest point estimate is **{top}**'s (S_i = {t.at[top, 'S_i']:.2f}; "
                     f"next {t['S_i'].drop(top).idxmax()} {t['S_i'].drop(top).max():.2f}). "
                     + (f"More important than its weight says (weight below the bootstrap 5–95 % interval): "
                        f"{', '.join(more)}. " if more else "")
                     + (f"Less important (weight above the interval): {', '.join(less)}." if less else
                        ("" if more else "Every weight lies inside the bootstrap interval of its domain's effective "
                         "importance: the data cannot tell weight and importance apart.")))
    lines.append("  S_i is the correlation ratio V[E(y|x_i)]/V(y) of Paruolo, Saisana & Saltelli (2013), estimated "
                 "with a least-squares cubic B-spline (3 interior knots at quantiles); [..] is its 5–95 % bootstrap "
                 "interval over resampled cities (table `06_audit-coherence.csv`).")
    return "\n".join(lines)


def plot_coherence(importance: pd.DataFrame, *, lang: str = "zh"):
    """Nominal weight beside effective importance (S_i normalised) of each domain, one panel per weighting.
    Okabe–Ito colours; returns the Figure."""
    names = list(dict.fromkeys(importance.index.get_level_values(0)))
    fig, axes = plt.subplots(1, len(names), figsize=(5.2 * len(names), 3.8), sharey=True, constrained_layout=True)
    axes = np.atleast_1d(axes)
    for ax, name in zip(axes, names):
        t = importance.xs(name, level="weighting")
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["weight"], 0.4, color="#0072B2", label="名义权重" if lang == "zh" else "nominal weight")
        ax.bar(x + 0.2, t["S_i_norm"], 0.4, color="#E69F00", hatch="//", edgecolor="black", lw=0.4,
               label="有效重要性 S_i（归一化）" if lang == "zh" else "effective importance S_i (normalised)")
        for xi, (w, s) in enumerate(zip(t["weight"], t["S_i_norm"])):
            ax.text(xi - 0.2, w + 0.005, f"{w:.2f}", ha="center", fontsize=7)
            ax.text(xi + 0.2, s + 0.005, f"{s:.2f}", ha="center", fontsize=7)
        ax.set_xticks(x, [domain_name(d, lang, short=True) for d in t.index])
        ax.set_title({"stated (4 × 0.25)": "报告所述 4 × 0.25", "equal per indicator": "每个指标等权 (5:3:5:4)"}.get(name, name)
                     if lang == "zh" else name, fontsize=10)
        ax.set_ylim(0, max(0.4, float(importance[["weight", "S_i_norm"]].max().max()) + 0.05))
    axes[0].set_ylabel("份额" if lang == "zh" else "share")
    axes[0].legend(fontsize=8, loc="lower left")
    fig.suptitle("领域的名义权重与有效重要性（相关比，Paruolo 等 2013）" if lang == "zh" else
                 "Nominal weight vs effective importance of each domain (correlation ratio, Paruolo et al. 2013)",
                 fontsize=10.5)
    return fig
