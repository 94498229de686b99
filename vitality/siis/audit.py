"""Notebook 06 (the report checked against itself): run every generic check of :mod:`vitality.checks`
on the report's tables, and the tables, sentences and figures of the audit notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..checks import (
    CONSISTENT_STATUSES,
    FINDING_COLUMNS,
    best_candidates,
    check_ranking,
    correlation_check,
    fmt_number,
    grid_position,
    half_unit,
    infer_grids,
    linkage_scan,
    list_coverage,
    off_grid,
    on_grid,
    rank_sequence_problems,
    regression_check,
    scheme_checks,
    scheme_score,
    weighting_table,
)
from ..cluster import list_problems
from ..errors import ConfigError
from ..reporting import compare_values, printed_decimals, rank_agreement, rank_verdict, verdict
from .correlations import correlation_cause as _cause
from .data import DOMAINS
from .errata import MACHINE_KINDS
from .labels import city_labels, domain_name
from .model import plausible_schemes

__all__ = ['AuditResult', 'audit_report', 'summary_points', 'linkage_rows', 'ranking_status_counts',
           'ranking_problems', 'statistics_comparison', 'reconciliation_message', 'verdict_table',
           'verdict_sentences', 'plot_grid', 'plot_rank_checks', 'plot_weighting', 'plot_statistics',
           'correlation_cause']


@dataclass
class AuditResult:
    """Every table of the audit plus the findings in the errata layout."""

    grid_fit: pd.DataFrame
    candidates: pd.DataFrame
    off_grid: pd.DataFrame
    rankings: dict[str, pd.DataFrame]
    sequences: dict[str, pd.DataFrame]
    weighting: pd.DataFrame
    best_scheme: str
    cluster_lists: pd.DataFrame
    linkage: pd.DataFrame
    correlations: pd.DataFrame
    regression: pd.DataFrame | None
    coverage: pd.DataFrame
    findings: pd.DataFrame
    params: dict = field(default_factory=dict)
    #: scheme name → :func:`check_ranking` table of the overall ranking under that scheme
    scheme_checks: dict[str, pd.DataFrame] = field(default_factory=dict)



def _finding(**kw) -> dict:
    row = {c: "" for c in FINDING_COLUMNS}
    row.update({k: ("" if v is None else v) for k, v in kw.items()})
    return row



def _locator(long: pd.DataFrame, by: Sequence[str], what: str = "figure") -> Callable:
    table = long.drop_duplicates(list(by)).set_index(list(by))[what]

    def find(*key):
        key = key[0] if len(key) == 1 else tuple(key)
        return str(table.get(key, ""))
    return find



def audit_report(report, *, n: int | None = None, k: Mapping[str, int] | None = None, decimals: int = 2,
                 ties: str = "min", schemes: Mapping[str, Mapping[str, float]] | None = None,
                 stated_scheme: str | None = None, stated_linkage: tuple[str, str] | None = None,
                 linkage_methods: Sequence[str] | None = None, linkage_metrics: Sequence[str] | None = None,
                 gdp: pd.Series | None = None, complementary: Sequence[tuple[str, str]] = (("east", "west"),
                                                                                           ("north", "south")),
                 k_max: int = 20, locations: Mapping[str, str] | None = None) -> AuditResult:
    """Run every check on a :class:`vitality.siis.data.ReportData` (or anything with the same attributes).

    The report's own rules are parameters: ``n`` (default: number of cities), ``k`` (indicators per
    domain; default inferred from the scores), ``ties`` (the stated tie rule), ``schemes`` (weights to
    test; default :func:`plausible_schemes`), ``stated_scheme`` (the name of the scheme the text
    states; default the first), ``stated_linkage`` ((method, metric) the text names, e.g.
    ("average", "sqeuclidean") for SPSS "平均联接（组间）"), ``gdp`` (x of the printed regression;
    default ``report.cities['gdp_2013_100m_cny']`` when present). ``locations`` names where each
    printed object sits (keys 'weights', 'clusters', 'correlations', 'regression', 'lists').

    Findings (one row per problem, layout of ``data/errata.csv`` without ``id``/``status``) are what
    the audit can detect by itself: off-grid scores, ranks classified 'likely typo', broken rank
    sequences, list duplicates/omissions, a stated weighting or linkage that does not reproduce the
    published result while another does, printed statistics that differ from the recomputed ones,
    and units left out of complementary lists. 'tie handling' and 'rounding' are explained, not
    findings.
    """
    loc = {"weights": "三(三); 图表 3", "clusters": "四(二)", "correlations": "四(五) correlation table",
           "regression": "图表 8", "lists": "四(三) footnote 1", **dict(locations or {})}
    scores = report.domain_scores.astype(float)
    ranks = report.rankings
    n = len(scores) if n is None else n
    k_given = dict(k or {})
    grid_fit = infer_grids(scores, n=n, k_max=k_max, decimals=decimals)
    k_used = {d: int(k_given.get(d) or grid_fit.at[d, "k"]) for d in scores.columns}
    grid_fit["k_used"] = pd.Series(k_used)
    domain_ranks = ranks[[c for c in scores.columns if c in ranks.columns]].astype("Float64")
    schemes = dict(schemes or plausible_schemes(k_used))
    stated_scheme = stated_scheme or next(iter(schemes))
    checks_by_scheme = scheme_checks(scores, ranks["overall"], schemes, ties=ties, decimals=decimals)
    weighting = weighting_table(checks_by_scheme, schemes)
    best_scheme = str(weighting.sort_values(["consistent", "exact", "spearman"], ascending=False).index[0])
    cand = off_grid(scores, n=n, k=k_used, decimals=decimals, published_ranks=domain_ranks,
                    overall_ranks=ranks["overall"], weights=schemes[best_scheme], ties=ties)
    best = best_candidates(cand, decimals=decimals)
    score_loc = _locator(report.domain_scores_long, ["city", "domain"])
    rank_loc = _locator(report.rankings_long, ["ranking"])
    findings: list[dict] = []
    for _, r in best.iterrows():
        findings.append(_finding(location=score_loc(r["unit"], r["domain"]), item="score", city=r["unit"],
                                 domain=r["domain"], printed_value=fmt_number(r["printed"], decimals),
                                 proposed_value=fmt_number(r["proposed"], decimals), kind="off-grid score",
                                 severity="medium" if r["confidence"] != "low" else "low",
                                 evidence=f"{r['evidence']} (confidence {r['confidence']})"))
    overall = scheme_score(scores, schemes[best_scheme])
    rank_tables, seq_tables = {}, {}
    for name in ranks.columns:
        if name == "overall":   # the same check as the best scheme's in the weighting test
            chk = checks_by_scheme[best_scheme]
        else:
            chk = check_ranking(scores[name], ranks[name], ties=ties, decimals=decimals)
        rank_tables[name] = chk
        seq = rank_sequence_problems(ranks[name], n=n, ties=ties)
        seq_tables[name] = seq
        basis = f"overall score under '{best_scheme}' weights" if name == "overall" else f"printed {name} scores"
        for unit, r in chk[chk["status"] == "likely typo"].iterrows():
            shift = abs(float(r["shift"]))
            findings.append(_finding(
                location=rank_loc(name), item="rank", city=unit, domain=name,
                printed_value=str(int(r["published"])), proposed_value=str(int(r["recomputed"])),
                kind="rank inconsistency", severity="high" if shift >= 3 else "low",
                evidence=(f"{basis}: {unit} {r['score']:.{decimals}f} allows rank {int(r['rank_lo'])}"
                          + (f"–{int(r['rank_hi'])}" if r['rank_hi'] != r['rank_lo'] else "")
                          + f"; printed {int(r['published'])}; ranking the printed scores with ties in the "
                          f"printed order gives {int(r['recomputed'])}")))
        for _, r in seq.iterrows():
            units = "、".join(map(str, r["units"]))
            findings.append(_finding(
                location=rank_loc(name), item=f"rank {int(r['rank'])}", city="", domain=name,
                printed_value=units if units else "", kind=r["problem"].replace("duplicated", "duplicate"),
                severity="medium",
                evidence=(f"rank {int(r['rank'])} printed for {units}" if units else
                          f"rank {int(r['rank'])} printed for no city") + f" in the {name} ranking "
                          f"(ties rule '{ties}', n = {n})"))
    if best_scheme != stated_scheme:
        w = weighting
        findings.append(_finding(
            location=loc["weights"], item="weights", kind="method contradiction", severity="high",
            printed_value=f"{stated_scheme}: {w.at[stated_scheme, 'weights']}",
            proposed_value=f"{best_scheme}: {w.at[best_scheme, 'weights']}",
            evidence=(f"published overall ranks consistent with the domain scores: "
                      f"{w.at[stated_scheme, 'consistent']}/{w.at[stated_scheme, 'n']} under the stated "
                      f"'{stated_scheme}' weights (Spearman {w.at[stated_scheme, 'spearman']:.4f}) vs "
                      f"{w.at[best_scheme, 'consistent']}/{w.at[best_scheme, 'n']} under '{best_scheme}' "
                      f"(Spearman {w.at[best_scheme, 'spearman']:.4f})")))
    # clusters
    clusters = report.clusters
    cl = list_problems(clusters, universe=list(scores.index))
    for _, r in cl.iterrows():
        kind = {"duplicate in list": "duplicate in list", "in several lists": "duplicate in list",
                "omission": "omission", "unknown": "unknown name"}[r["problem"]]
        findings.append(_finding(location=loc["clusters"], item="cluster lists", city=r["unit"], kind=kind,
                                 severity="medium",
                                 printed_value=f"printed {r['times']}× (class {', '.join(map(str, r['groups']))})"
                                 if r["times"] else "in no class",
                                 evidence=f"{r['unit']} {r['problem']}: printed {r['times']} time(s)"
                                          + (f" in class(es) {', '.join(map(str, r['groups']))}"
                                             if r["times"] else "")))
    scan_kw = {}
    if linkage_methods is not None:
        scan_kw["methods"] = linkage_methods
    if linkage_metrics is not None:
        scan_kw["metrics"] = linkage_metrics
    linkage = linkage_scan(scores, clusters, **scan_kw)
    if stated_linkage is not None:
        m, d = stated_linkage
        st = linkage[(linkage["method"] == m) & (linkage["metric"] == d)]
        top = linkage.iloc[0]
        if len(st) and st["ari"].max() < 1 - 1e-9 and top["ari"] >= 1 - 1e-9:
            exact = linkage[linkage["ari"] >= 1 - 1e-9]
            names = "; ".join(f"{r.method}/{r.metric}{' (z-scores)' if r.standardise else ''}"
                              for r in exact.itertuples())
            findings.append(_finding(
                location=loc["clusters"], item="linkage", kind="method contradiction", severity="medium",
                printed_value=f"{m} linkage, {d} distance",
                proposed_value=f"{top['method']} linkage, {top['metric']} distance",
                evidence=(f"stated {m} linkage on {d} distances reproduces the printed classes with ARI "
                          + ", ".join(f"{r.ari:.3f} ({'z-scores' if r.standardise else 'raw scores'}; "
                                      f"{r.agree}/{r.n} cities)" for r in st.itertuples())
                          + f"; ARI = 1 ({top['agree']}/{top['n']} listed cities) with: {names}; the omitted "
                          f"cities are placed {top['placed'] or '-'}")))
    # correlations
    corr = correlation_check(scores, report.correlations)
    for pair, r in corr[corr["status"] != "match"].iterrows():
        findings.append(_finding(location=loc["correlations"], item=f"r({r['row_domain']}, {r['col_domain']})",
                                 kind="statistic mismatch", severity="low" if abs(r["difference"]) < 0.02 else "medium",
                                 printed_value=f"{r['published']:g}", proposed_value=f"{r['recomputed']:.3f}",
                                 evidence=f"Pearson r of the printed {r['row_domain']} and {r['col_domain']} "
                                          f"scores (n = {r['n']}) is {r['recomputed']:.4f}, printed "
                                          f"{r['published']:g} (difference {r['difference']:+.4f})"))
    # regression
    reg = None
    if gdp is None and "gdp_2013_100m_cny" in getattr(report, "cities", pd.DataFrame()).columns:
        gdp = report.cities["gdp_2013_100m_cny"]
    if gdp is not None and getattr(report, "gdp_regression", None) is not None:
        y = scores.assign(total=overall)
        reg = regression_check(y, gdp, report.gdp_regression)
        for dom, r in reg[reg["status"] != "match"].iterrows():
            findings.append(_finding(location=loc["regression"], item=f"r(GDP, {dom})", kind="statistic mismatch",
                                     severity="low", printed_value=f"{r['r_published']:g}",
                                     proposed_value=f"{r['r_recomputed']:.3f}",
                                     evidence=f"Pearson r of {dom}"
                                              + (f" (weights '{best_scheme}')" if dom == "total" else "")
                                              + f" with 2013 GDP from data/external (n = {r['n']}) is "
                                              f"{r['r_recomputed']:.4f}, printed {r['r_published']:g}; depends on the "
                                              f"GDP series used"))
        for dom, r in reg[~reg["r2_consistent"]].iterrows():
            findings.append(_finding(location=loc["regression"], item=f"R²({dom})", kind="statistic mismatch",
                                     severity="low", printed_value=f"{r['r2_published']:g}",
                                     evidence=f"printed R² {r['r2_published']:g} is not r² of the printed "
                                              f"r {r['r_published']:g}"))
    # complementary lists
    lists = dict(getattr(report, "compass_lists", {}) or {})
    cov = list_coverage(lists, list(scores.index), pairs=complementary)
    for pair, r in cov.iterrows():
        if r["n_neither"]:
            findings.append(_finding(location=loc["lists"], item=f"{pair} lists", kind="omission", severity="medium",
                                     printed_value=r["sizes"],
                                     evidence=f"{r['n_neither']} cities in neither list: {'、'.join(r['neither'])}"))
        if r["n_both"]:
            findings.append(_finding(location=loc["lists"], item=f"{pair} lists", kind="duplicate in list",
                                     severity="medium", printed_value=r["sizes"],
                                     evidence=f"{r['n_both']} cities in both lists: {'、'.join(r['both'])}"))
        if r["missing_list"]:
            findings.append(_finding(location=loc["lists"], item=f"{r['missing_list']} list", kind="omission",
                                     severity="low", printed_value=f"printed: {r['printed']}",
                                     evidence=f"the {r['missing_list']} list is not printed (implied as the "
                                              f"complement of the {r['printed']} list)"))
    fnd = pd.DataFrame(findings, columns=list(FINDING_COLUMNS))
    return AuditResult(grid_fit=grid_fit, candidates=cand, off_grid=best, rankings=rank_tables,
                       sequences=seq_tables, weighting=weighting, best_scheme=best_scheme, cluster_lists=cl,
                       linkage=linkage, correlations=corr, regression=reg, coverage=cov, findings=fnd,
                       params={"n": n, "k": k_used, "decimals": decimals, "ties": ties,
                               "stated_scheme": stated_scheme, "stated_linkage": stated_linkage,
                               "n_units": len(scores), "n_scores": int(scores.size)},
                       scheme_checks=checks_by_scheme)



_STATUS_COLOURS = {"match": "#9e9e9e", "tie handling": "#56B4E9", "rounding": "#E69F00", "likely typo": "#D55E00",
                   "missing score": "#000000", "missing rank": "#000000"}



_TXT = {
    "zh": {"grid_title": "印刷的领域得分在排名得分网格上的位置", "grid_y": "m − round(m)（网格步长）",
           "on": "在网格上", "off": "不在网格上", "tol": "两位小数的舍入容差",
           "rank_x": "按印刷得分重算的排名", "rank_y": "印刷的排名", "shift_y": "印刷排名 − 重算排名",
           "printed": "印刷数据", "after": "勘误后", "overall": "综合",
           "weights_title": "哪种权重能重现综合排名（图表 3）", "weights_x": "与得分一致的排名数（共 {n} 个）",
           "before": "印刷数据", "stat_title": "印刷的统计量与重算值", "stat_x": "相关系数 r",
           "published": "印刷值", "recomputed": "重算值（印刷数据）", "recomputed_after": "重算值（勘误后）"},
    "en": {"grid_title": "Printed domain scores on the rank-score grid", "grid_y": "m − round(m) (grid steps)",
           "on": "on the grid", "off": "off the grid", "tol": "tolerance of 2-decimal rounding",
           "rank_x": "rank recomputed from the printed scores", "rank_y": "printed rank",
           "shift_y": "printed − recomputed rank", "printed": "as printed", "after": "after errata",
           "overall": "Overall", "weights_title": "Which weights reproduce the overall ranking (Figure 3)",
           "weights_x": "ranks consistent with the scores (of {n})", "before": "as printed",
           "stat_title": "Printed statistics vs recomputed", "stat_x": "correlation r", "published": "printed",
           "recomputed": "recomputed (printed data)", "recomputed_after": "recomputed (after errata)"},
}



_STATUS_EN_ZH = {"match": "一致", "tie handling": "并列处理", "rounding": "舍入", "likely typo": "疑似笔误"}



def _txt(lang: str) -> dict:
    if lang not in _TXT:
        raise ConfigError(f"lang={lang!r} is not a label language; choose 'zh' or 'en'.")
    return _TXT[lang]



def _names(units, cities, lang):
    return city_labels(list(units), cities, lang) if lang == "en" else [str(u) for u in units]



def summary_points(result: AuditResult, *, after: AuditResult | None = None, n_scores: int | None = None) -> list[str]:
    """Plain-language headline findings of an :class:`AuditResult` (and of the corrected tables)."""
    pts = []
    g = result.grid_fit
    total = int(g["n_on"].sum() + g["n_off"].sum()) if n_scores is None else n_scores
    off = result.off_grid
    ks = ", ".join(f"{d} {int(k)}" for d, k in g["k_used"].items())
    pts.append(f"**Score grid.** The printed domain scores are means of rank scores with k = {ks} indicators: "
               f"{total - len(off)} of {total} sit on the grid 100·m/(k·n); {len(off)} do not ("
               + "; ".join(f"{r.unit} {r.domain} {r.printed:.2f} → {r.proposed:.2f}, {r.confidence} confidence"
                           for r in off.itertuples()) + ").")
    for name, chk in result.rankings.items():
        typos = chk[chk["status"] == "likely typo"]
        seq = result.sequences[name]
        if len(typos) or len(seq):
            bits = [f"{len(typos)} rank(s) inconsistent with the scores"] if len(typos) else []
            bits += [f"{r.problem} {int(r.rank)}" for r in seq.itertuples()]
            extra = ""
            if after is not None:
                left = int((after.rankings[name]["status"] == "likely typo").sum())
                extra = f"; after the errata: {left} left"
            pts.append(f"**Ranking '{name}'.** {', '.join(bits)}{extra}.")
    w = result.weighting
    st, best = result.params.get("stated_scheme"), result.best_scheme
    line = (f"**Weights.** The stated scheme '{st}' makes {w.at[st, 'consistent']}/{w.at[st, 'n']} published "
            f"overall ranks consistent with the printed scores; '{best}' makes "
            f"{w.at[best, 'consistent']}/{w.at[best, 'n']}")
    if after is not None:
        wa = after.weighting
        line += (f" (after the errata: '{st}' {wa.at[st, 'consistent']}, '{best}' {wa.at[best, 'consistent']})")
    pts.append(line + ".")
    cl = result.cluster_lists
    if len(cl):
        pts.append("**Cluster lists.** " + "; ".join(f"{r.unit}: {r.problem}" for r in cl.itertuples()) + ".")
    lk = result.linkage
    exact = lk[lk["ari"] >= 1 - 1e-9]
    if len(exact):
        line = "**Linkage.** The printed classes are reproduced exactly (ARI = 1) by " + "; ".join(
            f"{r.method}/{r.metric}{' on z-scores' if r.standardise else ''}" for r in exact.itertuples())
        if result.params.get("stated_linkage"):
            m, d = result.params["stated_linkage"]
            stated = lk[(lk.method == m) & (lk.metric == d)]
            line += "; the stated " + f"{m}/{d} reaches " + ", ".join(
                f"ARI {r.ari:.3f} on {'z-scores' if r.standardise else 'raw scores'}"
                for r in stated.sort_values("standardise").itertuples())
        pts.append(line + ".")
    c = result.correlations
    pts.append(f"**Correlations.** {int((c['status'] == 'match').sum())} of {len(c)} printed r reproduce from the "
               f"printed scores; the largest difference is {c['difference'].abs().max():.3f} "
               f"({c['difference'].abs().idxmax()}).")
    if result.regression is not None:
        rg = result.regression
        pts.append(f"**GDP regression.** {int((rg['status'] == 'match').sum())} of {len(rg)} printed r reproduce "
                   f"with the bundled 2013 GDP; the largest difference is {rg['r_difference'].abs().max():.3f} "
                   f"({rg['r_difference'].abs().idxmax()}).")
    cov = result.coverage
    for pair, r in cov.iterrows():
        if r["n_neither"] or r["missing_list"]:
            txt = f"{r['n_neither']} units in neither list" if r["n_neither"] else ""
            if r["missing_list"]:
                txt += ("; " if txt else "") + f"the {r['missing_list']} list is not printed"
            pts.append(f"**Lists {pair}.** {txt}.")
    return pts



def linkage_rows(linkage: pd.DataFrame, method: str, metric: str) -> pd.DataFrame:
    """The rows of a :func:`linkage_scan` table for one linkage ``method`` and distance ``metric``.

    Parameters
    ----------
    linkage : pandas.DataFrame
        A :func:`linkage_scan` table (columns ``method``, ``metric``, ...), best match first.
    method, metric : str
        The linkage and distance, e.g. the stated ``("average", "sqeuclidean")``.

    Returns
    -------
    pandas.DataFrame
        The matching rows (one per standardisation), in the scan's order; empty if none.
    """
    return linkage[(linkage["method"] == method) & (linkage["metric"] == metric)]



def ranking_status_counts(results: Mapping[str, AuditResult]) -> pd.DataFrame:
    """How many units of each ranking have each :func:`check_ranking` status, for several audits.

    Parameters
    ----------
    results : mapping of str to AuditResult
        Label (e.g. ``"printed"``, ``"after errata"``) → audit.

    Returns
    -------
    pandas.DataFrame
        One row per ranking; columns (label, status) with integer counts (0 where a status does not
        occur).
    """
    def counts(result):
        return pd.DataFrame({name: chk["status"].value_counts()
                             for name, chk in result.rankings.items()}).fillna(0).astype(int).T

    return pd.concat({label: counts(r) for label, r in results.items()}, axis=1).fillna(0).astype(int)



def ranking_problems(result: AuditResult) -> pd.DataFrame:
    """Every unit whose published rank is not a plain match, over all rankings of an audit.

    Returns
    -------
    pandas.DataFrame
        The :func:`check_ranking` rows with status other than ``'match'``, indexed by (ranking, city).
    """
    return pd.concat({name: chk[chk["status"] != "match"] for name, chk in result.rankings.items()},
                     names=["ranking", "city"])



def statistics_comparison(result: AuditResult) -> pd.DataFrame:
    """Printed vs recomputed statistics of an audit: every correlation and every GDP correlation.

    Parameters
    ----------
    result : AuditResult

    Returns
    -------
    pandas.DataFrame
        Columns ``published`` and ``recomputed``; one row per correlation pair (the index of
        ``result.correlations``) followed, when there is a regression, by one row ``GDP×<domain>`` per
        regressed domain (its r). Input of :func:`plot_statistics`.
    """
    parts = [result.correlations[["published", "recomputed"]]]
    if result.regression is not None:
        reg = result.regression.rename(columns={"r_published": "published", "r_recomputed": "recomputed"})
        parts.append(reg[["published", "recomputed"]].rename(index=lambda d: f"GDP×{d}"))
    return pd.concat(parts)



def reconciliation_message(reconciliation: pd.DataFrame, errata: pd.DataFrame, *,
                           errata_name: str = "errata.csv") -> str:
    """One Markdown paragraph: do the audit's own findings and the errata table agree?

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        :func:`vitality.siis.errata.reconcile` of the audit findings and ``errata``.
    errata : pandas.DataFrame
        The errata table (:func:`vitality.siis.errata.load_errata`).
    errata_name : str
        The errata file's name, as quoted in the message.

    Returns
    -------
    str
        "**The audit and the errata agree.** …" when every finding is an errata row and every
        machine-detectable row is found again (with the counts), else "**… disagree.**" listing the
        findings missing from the errata and the ids not found again.
    """

    n_machine = int(errata["kind"].isin(MACHINE_KINDS).sum())
    found = int(reconciliation["in_audit"].sum())
    missing = reconciliation[reconciliation["status"] == "audit only"]
    not_refound = reconciliation[reconciliation["status"] == "errata only"]
    if missing.empty and not_refound.empty:
        return (f"**The errata table is up to date with the audit.** Run on the printed tables, the audit functions "
                f"find {found} problems by themselves; every one of them is a row of `{errata_name}`, and every "
                f"one of its {n_machine} machine-detectable rows is found again. This is bookkeeping, not evidence: "
                f"the errata were derived from this audit, so their agreement cannot confirm either. The other "
                f"{len(errata) - n_machine} rows are text findings, recorded by reading the report.")
    listed = ", ".join(missing["kind"] + " " + missing["city"] + " " + missing["item"])
    return (f"**The audit and the errata disagree.** {len(missing)} finding(s) of the audit are "
            f"not in `{errata_name}` ({listed}) "
            f"and {len(not_refound)} machine-detectable row(s) were not found again "
            f"({', '.join(not_refound['id'])}). The errata need review.")



def _consistent_domain_ranks(result: AuditResult) -> int:
    return sum(int(c["status"].isin(CONSISTENT_STATUSES).sum())
               for name, c in result.rankings.items() if name != "overall")



def verdict_table(printed: AuditResult, corrected: AuditResult, reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The audit's verdict: one row per check, how many items there are and how many agree.

    Parameters
    ----------
    printed, corrected : AuditResult
        :func:`audit_report` of the tables as printed and after the errata (same parameters).
    reconciliation : pandas.DataFrame
        :func:`vitality.siis.errata.reconcile` of ``printed.findings`` and the errata table.

    Returns
    -------
    pandas.DataFrame
        Columns ``check``, ``n``, ``matching``, ``status`` ('match' when matching = n, else
        'differs') and ``note``. Every n comes from the data: the number of printed scores and of
        units (``printed.params``), of units in the overall check (the weighting table), of listed
        cities in the linkage scan, of correlations and GDP correlations, of reconciled findings. The
        weighting rows use the stated scheme (``printed.params['stated_scheme']``) and the scheme that
        fits the printed tables best (``printed.best_scheme``); the linkage rows the stated linkage
        (if any) and the best one.
    """
    from ..reporting import Strength

    def row(check, n, matching, note="", *, evidence="internal", can_show=""):
        ok = int(matching) == int(n)
        # the word a reader may use (docs/CONVENTIONS.md): a reproduction from printed inputs; an internal
        # consistency check, a lenient reading or a check after errata derived from the same audit only
        # shows consistency; bookkeeping is no evidence about the report at all
        if evidence == "bookkeeping":
            word = Strength.UNCHECKABLE      # whether the errata are right is not in the printed tables
        elif not ok:
            word = Strength.DIFFERS
        elif evidence == "reproduction":
            word = Strength.REPRODUCES
        else:
            word = Strength.CONSISTENT
        return {"check": check, "n": int(n), "matching": int(matching),
                "status": "match" if ok else "differs", "strength": word.value, "evidence": evidence,
                "what it can show": can_show, "note": note}

    n_scores, n_units = printed.params["n_scores"], printed.params["n_units"]
    stated, best = printed.params["stated_scheme"], printed.best_scheme
    circular = ("circular in part: the errata were derived from this audit, and some off-grid corrections "
                "were chosen by their fit to the overall ranking")
    rows = [
        row("domain scores on the rank-score grid (printed)", n_scores, n_scores - len(printed.off_grid),
            can_show="that a value can be a mean of rank scores, not that it is the true one"),
        row("domain scores on the rank-score grid (after errata)", n_scores, n_scores - len(corrected.off_grid),
            "、".join(corrected.off_grid["unit"]) + " left" if len(corrected.off_grid) else "",
            evidence="after errata", can_show="only that the errata put every value on the grid (" + circular + ")"),
        row("domain ranks consistent with the scores (printed)", n_scores, _consistent_domain_ranks(printed),
            evidence="lenient", can_show="ranks allowed by the scores up to tie order and rounding"),
        row("domain ranks consistent with the scores (after errata)", n_scores,
            _consistent_domain_ranks(corrected), evidence="after errata",
            can_show="ranks allowed after the errata (" + circular + ")"),
    ]
    for label, scheme in (("stated", stated), ("best", best)):
        for data, res in (("printed", printed), ("after errata", corrected)):
            w = res.weighting
            rows.append(row(f"overall ranks, {label} weights '{scheme}' ({data})", w.at[scheme, "n"],
                            w.at[scheme, "consistent"],
                            evidence="lenient" if data == "printed" else "after errata",
                            can_show="ranks allowed up to tie order and rounding"
                            + ("" if data == "printed" else " (" + circular + ")")))
    rows.append(row("cities printed exactly once in the cluster lists", n_units,
                    n_units - len(printed.cluster_lists), can_show="whether the lists are a partition"))
    lk = printed.linkage
    if printed.params.get("stated_linkage"):
        m, d = printed.params["stated_linkage"]
        st = linkage_rows(lk, m, d).iloc[0]
        rows.append(row(f"printed classes reproduced by the stated linkage {m}/{d} (best standardisation)",
                        st["n"], st["agree"], f"ARI {st['ari']:.3f}", evidence="reproduction",
                        can_show="whether the stated method gives the printed classes from the printed scores"))
    top = lk.iloc[0]
    n_perfect = int((lk["ari"] >= 1 - 1e-12).sum())
    rows.append(row(f"printed classes reproduced by {top['method']}/{top['metric']}", top["n"], top["agree"],
                    f"ARI {top['ari']:.3f}; omitted: {top['placed']}; {n_perfect} combination(s) of the scan reach "
                    "ARI 1 (02_clustering lists them)", evidence="reproduction",
                    can_show="that this method gives the printed classes, not that the report used it"))
    rows.append(row("printed correlations reproduced (printed scores)", len(printed.correlations),
                    (printed.correlations["status"] == "match").sum(), evidence="reproduction",
                    can_show="whether each printed r follows from the printed scores"))
    if printed.regression is not None:
        reg = printed.regression
        n_r2 = int(((reg["r2_recomputed"] - reg["r2_published"]).abs()
                    <= reg["r2_published"].map(lambda v: 0.5 * 10.0 ** -printed_decimals(v)) + 1e-12).sum())
        rows.append(row("printed GDP r reproduced (printed scores, bundled GDP)", len(reg),
                        (reg["status"] == "match").sum(), "bundled GDP series (mixed vintages)", evidence="inputs not printed",
                        can_show="consistency with one GDP series; the report's GDP values are not printed"))
        rows.append(row("printed GDP R² reproduced (printed scores, bundled GDP)", len(reg), n_r2,
                        "R² compared to its own printed decimals", evidence="inputs not printed",
                        can_show="consistency with one GDP series; the report's GDP values are not printed"))
    rows.append(row("machine-detectable findings recorded in the errata table", len(reconciliation),
                    (reconciliation["status"] == "both").sum(), evidence="bookkeeping",
                    can_show="only that data/errata.csv is up to date with this audit (the errata were derived from "
                             "it): no evidence about the report"))
    return pd.DataFrame(rows)



def verdict_sentences(corrected: AuditResult, *, best_scheme: str | None = None,
                      correlation_cause: str | None = None, tol: float = 0.0005, label=None,
                      sep: str | None = None) -> list[str]:
    """Plain verdicts (Markdown) on the corrected tables: overall ranks under the stated and the best
    weights, and the printed correlations.

    Parameters
    ----------
    corrected : AuditResult
        :func:`audit_report` of the corrected tables; its per-scheme checks
        (``corrected.scheme_checks``) are reused, nothing is recomputed.
    best_scheme : str, optional
        The scheme to report as best (default ``corrected.best_scheme``; pass the printed tables'
        best to keep one name throughout).
    correlation_cause : str, optional
        The likely cause stated when printed correlations differ (:func:`vitality.reporting.verdict`).
    tol : float
        Tolerance for the correlations (default half a unit of the printed third decimal).

    Returns
    -------
    list of str
        :func:`vitality.reporting.rank_verdict` of the stated and the best scheme (the latter
        followed by "The remaining differences are ties within rounding." when no rank is a likely
        typo) and :func:`vitality.reporting.verdict` of the correlations.
    """

    stated = corrected.params["stated_scheme"]
    best = best_scheme or corrected.best_scheme

    def agreement(scheme):
        chk = corrected.scheme_checks[scheme]
        return rank_agreement(chk["published"].astype(float), chk["recomputed"].astype(float))

    best_chk = corrected.scheme_checks[best]
    c = corrected.correlations
    return [
        rank_verdict(agreement(stated), what=f"overall ranks under the stated weights ('{stated}', after errata)",
                     label=label, sep=sep),
        (rank_verdict(agreement(best), what=f"overall ranks under '{best}' weights (after errata)", label=label,
                      sep=sep).replace("**Differs.**", "**Consistent with** (up to tie order and rounding, after "
                                       "errata that were partly chosen by this fit).", 1)
         + " The remaining differences are ties within rounding."
         if (best_chk["status"] != "likely typo").all() else
         rank_verdict(agreement(best), what=f"overall ranks under '{best}' weights (after errata)", label=label,
                      sep=sep)),
        verdict(compare_values(c["published"], c["recomputed"], tol=tol), what="printed correlations", tol=tol,
                cause=correlation_cause),
    ]



def plot_grid(scores_wide: pd.DataFrame, *, n: int, k: Mapping[str, int], proposals: pd.DataFrame | None = None,
              decimals: int = 2, lang: str = "zh", cities: pd.DataFrame | None = None, ax=None):
    """Every printed score's distance to the nearest grid point, in grid steps, by domain.

    On-grid values lie inside the rounding band (± ½·10^−decimals / step); off-grid ones are drawn in
    red and labelled with the proposed correction (``proposals`` = :func:`best_candidates`; "(?)" marks
    a low-confidence proposal).
    """


    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.5, 4.8))
    rng = np.random.default_rng(0)
    prop = {} if proposals is None else {(r.unit, r.domain): (r.proposed, getattr(r, "confidence", ""))
                                         for r in proposals.itertuples()}
    for i, col in enumerate(scores_wide.columns):
        kc = int(k[col])
        s = scores_wide[col].astype(float)
        m = grid_position(s, n=n, k=kc)
        resid = m - np.round(m)
        ok = on_grid(s, n=n, k=kc, decimals=decimals).to_numpy()
        band = half_unit(decimals) / (100.0 / (kc * n))
        ax.fill_between([i - 0.4, i + 0.4], -band, band, color="#D6EAF8", zorder=0,
                        label=T["tol"] if i == 0 else None)
        x = i + rng.uniform(-0.25, 0.25, size=len(s))
        n_off = int((~ok).sum())
        x[~ok] = i + (np.linspace(-0.2, 0.2, n_off) if n_off > 1 else 0.0)   # off-grid: evenly spread
        ax.scatter(x[ok], resid[ok], s=14, color="#7f7f7f", alpha=0.7, label=T["on"] if i == 0 else None)
        ax.scatter(x[~ok], resid[~ok], s=40, color="#D55E00", zorder=3, label=T["off"] if i == 0 else None)
        names = _names(s.index[~ok], cities, lang)
        stack = {True: 0, False: 0}                   # labels of same-sign points are stacked, not overlaid
        for xx, yy, unit, name in sorted(zip(x[~ok], resid[~ok], s.index[~ok], names), key=lambda t: -abs(t[1])):
            p, conf = prop.get((unit, col), (None, ""))
            lab = f"{name} {s[unit]:.{decimals}f}" + (f" → {p:.{decimals}f}" if p is not None else "")
            lab += " (?)" if conf == "low" else ""
            up = yy >= 0
            dy = (9 + 14 * stack[up]) if up else -(16 + 14 * stack[up])
            stack[up] += 1
            line = {"arrowstyle": "-", "color": "#d9a0a0", "lw": 0.6} if abs(dy) > 20 else None
            ax.annotate(lab, (xx, yy), xytext=(0, dy), textcoords="offset points", fontsize=8.5, color="#a01010",
                        ha="center", arrowprops=line)
    ax.set_xticks(range(len(scores_wide.columns)))
    ax.set_xticklabels([f"{domain_name(c, lang, short=True)}\n(k = {int(k[c])})" for c in scores_wide.columns])
    ax.set_ylim(-0.55, 0.55)
    ax.axhline(0, color="#444444", lw=0.8)
    ax.set_ylabel(T["grid_y"])
    ax.set_title(T["grid_title"])
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return ax



def plot_rank_checks(checks: Mapping[str, pd.DataFrame], *, after: Mapping[str, pd.DataFrame] | None = None,
                     lang: str = "zh", cities: pd.DataFrame | None = None, clip: int = 3,
                     titles: Mapping[str, str] | None = None, axes=None):
    """Printed minus recomputed rank, by recomputed rank, one panel per ranking (second row: after errata).

    Points are coloured by :func:`check_ranking` status; shifts beyond ``±clip`` are drawn at the edge
    (triangles) with their value. Units classified 'likely typo' are labelled (when there are many,
    only those off by more than one). Returns the array of Axes.
    """


    T = _txt(lang)
    rows = [("printed", checks)] + ([("after", after)] if after is not None else [])
    names = list(checks)
    if axes is None:
        _, axes = plt.subplots(len(rows), len(names), figsize=(3.4 * len(names), 3.0 * len(rows)), squeeze=False,
                               sharex=True, sharey=True)
    axes = np.atleast_2d(axes)
    lim = clip + 0.6
    for ri, (rowname, tables) in enumerate(rows):
        for ci, name in enumerate(names):
            ax = axes[ri, ci]
            chk = tables[name]
            n = len(chk)
            x = chk["recomputed"].astype(float)
            y = chk["shift"].astype(float)
            yc = y.clip(-clip - 0.3, clip + 0.3)
            ax.axhline(0, color="#bbbbbb", lw=0.8, zorder=0)
            for st, g in chk.groupby("status"):
                lab = _STATUS_EN_ZH.get(st, st) if lang == "zh" else st
                inside = y[g.index].abs() <= clip
                ax.scatter(x[g.index][inside], yc[g.index][inside], s=12 if st == "match" else 24,
                           color=_STATUS_COLOURS.get(st, "#000000"), label=f"{lab} ({len(g)})", zorder=2)
                out = g.index[~inside.to_numpy()]
                for u in out:
                    ax.scatter([x[u]], [yc[u]], marker="v" if y[u] < 0 else "^", s=40,
                               color=_STATUS_COLOURS.get(st, "#000000"), zorder=3)
            typos = chk[chk["status"] == "likely typo"]
            show = typos if len(typos) <= 6 else typos[typos["shift"].abs() > 1]
            for j, (unit, lab) in enumerate(zip(show.index, _names(show.index, cities, lang))):
                sh = int(y[unit])
                txt = f"{lab} ({sh:+d})" if abs(sh) > clip else lab
                ax.annotate(txt, (x[unit], yc[unit]), xytext=(0, 7 if (j % 2 == 0) == (sh >= 0) else -13),
                            textcoords="offset points", fontsize=8, color="#a01010", ha="center")
            title = (titles or {}).get(name) or (T["overall"] if name == "overall"
                                                   else domain_name(name, lang, short=True))
            ax.set_title(f"{title} — {T[rowname]}", fontsize=10)
            ax.legend(fontsize=7, loc="lower left", framealpha=0.85)
            ax.set_xlim(0, n + 1)
            ax.set_ylim(-lim, lim)
            if ri == len(rows) - 1:
                ax.set_xlabel(T["rank_x"], fontsize=8.5)
            if ci == 0:
                ax.set_ylabel(T["shift_y"])
    return axes



def plot_weighting(before: pd.DataFrame, after: pd.DataFrame | None = None, *, lang: str = "zh", ax=None):
    """Ranks consistent with the scores per weighting scheme (printed data, and after errata)."""

    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.9 + 0.75 * len(before)))
    y = np.arange(len(before))
    h = 0.38 if after is not None else 0.6
    off = -h / 2 if after is not None else 0.0          # printed above, after errata below (y axis inverted)
    ax.barh(y + off, before["consistent"], height=h, color="#9e9e9e", label=T["before"])
    for yy, v in zip(y, before["consistent"]):
        ax.text(v + 0.3, yy + off, str(int(v)), va="center", fontsize=8.5)
    if after is not None:
        a = after.reindex(before.index)
        ax.barh(y - off, a["consistent"], height=h, color="#1f77b4", label=T["after"])
        for yy, v in zip(y, a["consistent"]):
            ax.text(v + 0.3, yy - off, str(int(v)), va="center", fontsize=8.5)
    n = int(before["n"].max())
    ax.axvline(n, color="#444444", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels(list(before.index))
    ax.invert_yaxis()
    ax.set_xlim(0, n + 4)
    ax.set_xlabel(T["weights_x"].format(n=n))
    ax.set_title(T["weights_title"])
    ax.legend(loc="lower right", fontsize=8)
    return ax



def plot_statistics(before: pd.DataFrame, after: pd.DataFrame | None = None, *, lang: str = "zh", ax=None):
    """Printed vs recomputed correlations (rows = pairs or domains; columns ``published``/``recomputed``)."""

    T = _txt(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.8 + 0.42 * len(before)))
    y = np.arange(len(before))
    ax.scatter(before["published"], y, marker="s", s=40, color="#333333", label=T["published"], zorder=3)
    ax.scatter(before["recomputed"], y, s=36, color="#ff7f0e", label=T["recomputed"], zorder=3)
    if after is not None:
        ax.scatter(after["recomputed"].reindex(before.index), y + 0.18, s=30, color="#1f77b4", marker="D",
                   label=T["recomputed_after"], zorder=3)
    for yy, (p, r) in enumerate(zip(before["published"], before["recomputed"])):
        ax.plot([p, r], [yy, yy], color="#bbbbbb", zorder=1)

    ax.set_yticks(y)
    ax.set_yticklabels(["×".join(domain_name(t, lang, short=True) for t in str(lab).split("×"))
                        for lab in before.index])
    ax.invert_yaxis()
    ax.set_xlabel(T["stat_x"])
    ax.set_title(T["stat_title"])
    ax.legend(fontsize=8, loc="best")
    return ax



def correlation_cause(printed: "AuditResult", corrected: "AuditResult") -> str | None:
    """Likely cause of printed correlations that do not reproduce after the errata, in words.

    The pattern of misses after the errata (:func:`vitality.stats.correlation_cause`) and how far the
    errata move the recomputed r (the largest change between the printed and the corrected tables).
    """

    after = corrected.correlations.set_index(["row_domain", "col_domain"])
    before = printed.correlations.set_index(["row_domain", "col_domain"])
    shift = float((after["recomputed"] - before["recomputed"].reindex(after.index)).abs().max())
    return _cause(after[["difference", "status"]], shift)


# --------------------------------------------------------------------------------------------------
# Statistical coherence at domain level (vitality.coherence), as the JRC audits do
# --------------------------------------------------------------------------------------------------

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
    from .. import coherence
    from .model import weightings

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
             f"above 1, so the domains measure one dimension; every domain loads on it with "
             f"{report['loadings']['PC1'].min():.2f}–{report['loadings']['PC1'].max():.2f}."]
    for name in (nominal, stated):
        t = importance.xs(name, level="weighting")
        top = t["S_i"].idxmax()
        more = [d for d in t.index if t.at[d, "S_i_norm_q05"] > t.at[d, "weight"]]
        less = [d for d in t.index if t.at[d, "S_i_norm_q95"] < t.at[d, "weight"]]
        parts = ", ".join(f"{d} {t.at[d, 'S_i_norm']:.2f} [{t.at[d, 'S_i_norm_q05']:.2f}–{t.at[d, 'S_i_norm_q95']:.2f}] "
                          f"(weight {t.at[d, 'weight']:.2f})" for d in t.index)
        lines.append(f"- **Under {name}**, effective importance (S_i normalised to sum 1) against the nominal "
                     f"weight: {parts}. The largest point estimate is **{top}**'s (S_i = {t.at[top, 'S_i']:.2f}; "
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
    import matplotlib.pyplot as plt
    import numpy as np

    from .labels import domain_name

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
