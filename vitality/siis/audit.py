"""Notebook 06 (the report checked against itself): run every generic check of :mod:`vitality.checks`
on the report's tables, and the tables and sentences of the audit notebook.

The section's figures are in :mod:`vitality.siis.audit_figures` and its statistical coherence in
:mod:`vitality.siis.audit_coherence`; both are re-exported here, so the notebook uses ``audit.*`` only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import pandas as pd

from ..checks import (
    CONSISTENT_STATUSES,
    FINDING_COLUMNS,
    best_candidates,
    check_ranking,
    correlation_check,
    fmt_number,
    infer_grids,
    linkage_scan,
    list_coverage,
    off_grid,
    rank_sequence_problems,
    regression_check,
    scheme_checks,
    scheme_score,
    weighting_table,
)
from ..cluster import list_problems
from ..reporting import compare_values, printed_decimals, rank_agreement, rank_verdict, verdict
from ..weightspace import consistent_region
from .audit_coherence import coherence_sentences, coherence_tables, plot_coherence
from .audit_figures import plot_grid, plot_rank_checks, plot_statistics, plot_weighting
from .correlations import correlation_cause as _cause
from .errata import MACHINE_KINDS
from .model import plausible_schemes

__all__ = ['AuditResult', 'audit_report', 'summary_points', 'linkage_rows', 'ranking_status_counts',
           'ranking_problems', 'statistics_comparison', 'reconciliation_message', 'verdict_table',
           'verdict_sentences', 'plot_grid', 'plot_rank_checks', 'plot_weighting', 'plot_statistics',
           'correlation_cause', 'coherence_tables', 'coherence_sentences', 'plot_coherence', 'region_note',
           'overall_region']


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
    the audit can detect by itself: off-grid scores, ranks classified 'unexplained', broken rank
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
    region = overall_region(scores, ranks["overall"])          # every weighting, not only the named ones
    weighting = weighting_table(checks_by_scheme, schemes)
    best_scheme = str(weighting.sort_values(["consistent", "exact", "spearman"], ascending=False).index[0])
    cand = off_grid(scores, n=n, k=k_used, decimals=decimals, published_ranks=domain_ranks,
                    overall_ranks=ranks["overall"], weights=schemes[best_scheme], ties=ties)
    best = best_candidates(cand, decimals=decimals)
    score_loc = _locator(report.domain_scores_long, ["city", "domain"])
    rank_loc = _locator(report.rankings_long, ["ranking"])
    findings: list[dict] = []
    # severity is the finding's effect (data/README.md: high = the printed value contradicts a published
    # ranking that the proposal restores; medium = the proposal changes which overall ranks are consistent; low =
    # no ranking changes), never its confidence: the confidence is the one column of `best_candidates`
    domain_checks = {d: check_ranking(scores[d], ranks[d], ties=ties, decimals=decimals)
                     for d in best["domain"].unique() if d in ranks.columns} if len(best) else {}
    for _, r in best.iterrows():
        pick = cand[(cand["unit"] == r["unit"]) & (cand["domain"] == r["domain"]) & (cand["candidate"] == r["proposed"])]
        chk = domain_checks.get(r["domain"])
        typo = chk is not None and chk.at[r["unit"], "status"] == "unexplained"
        restores = bool(pick["agrees_with_rank"].fillna(False).astype(bool).any())
        gain = bool((pick.get("overall_gain", pd.Series(0, index=pick.index)) > 0).any())
        findings.append(_finding(location=score_loc(r["unit"], r["domain"]), item="score", city=r["unit"],
                                 domain=r["domain"], printed_value=fmt_number(r["printed"], decimals),
                                 proposed_value=fmt_number(r["proposed"], decimals), kind="off-grid score",
                                 severity="high" if typo and restores else "medium" if gain else "low",
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
        for unit, r in chk[chk["status"] == "unexplained"].iterrows():
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
            printed_value=f"{stated_scheme}: {w.at[stated_scheme, 'weights']}", proposed_value="",
            evidence=(f"published overall ranks consistent with the domain scores: "
                      f"{w.at[stated_scheme, 'consistent']}/{w.at[stated_scheme, 'n']} under the stated "
                      f"'{stated_scheme}' weights (Spearman {w.at[stated_scheme, 'spearman']:.4f}) vs "
                      f"{w.at[best_scheme, 'consistent']}/{w.at[best_scheme, 'n']} under '{best_scheme}' "
                      f"(Spearman {w.at[best_scheme, 'spearman']:.4f}); '{best_scheme}' is the closest of the "
                      f"schemes tried, a hypothesis, not a correction; {region_note(region)}")))
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
                                     severity="low", printed_value=f"{r['r_published']:g}", proposed_value="",
                                     evidence=f"Pearson r of {dom}"
                                              + (f" (weights '{best_scheme}')" if dom == "total" else "")
                                              + f" with the bundled 2013 GDP (n = {r['n']}) is "
                                              f"{r['r_recomputed']:.4f}, printed {r['r_published']:g}; cannot be "
                                              f"checked from the printed tables (the report prints no GDP values): "
                                              f"no correction proposed"))
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
                               "n_units": len(scores), "n_scores": int(scores.size), "region": region},
                       scheme_checks=checks_by_scheme)




def overall_region(scores: pd.DataFrame, published: pd.Series):
    """:func:`vitality.weightspace.consistent_region` of a published overall ranking over the units that have a
    rank and every domain score (the printed scores as exact)."""
    pub = pd.to_numeric(pd.Series(published), errors="coerce").dropna()
    units = [u for u in pub.index if u in scores.index and scores.loc[u].notna().all()]
    return consistent_region(scores.loc[units].astype(float), pub.loc[units].astype(float))


def region_note(region) -> str:
    """Words on :func:`vitality.weightspace.consistent_region` of the published overall ranking: whether some
    domain weights reproduce every printed place from the printed scores, with the range of each weight.

    A rank that one named weighting does not give is inconsistent with *that weighting*, not with the scores,
    when the region is not empty; this sentence says which of the two holds.
    """
    if not region.feasible:
        return (f"no domain weights reproduce all {region.n_units} printed places from the printed scores "
                f"(largest common margin {region.margin:.3f} score points), so some ranks are inconsistent with "
                "the scores under every weighting")
    ranges = ", ".join(f"{c} {r['min']:.3f}–{r['max']:.3f}" for c, r in region.ranges.iterrows())
    return (f"some domain weights reproduce all {region.n_units} printed places from the same printed scores "
            f"({ranges}; 01_rankings-weight-space.csv), so these ranks are inconsistent with this weighting, "
            "not with the scores")


def summary_points(result: AuditResult, *, after: AuditResult | None = None, n_scores: int | None = None,
                   label=None) -> list[str]:
    """Plain-language headline findings of an :class:`AuditResult` (and of the corrected tables); ``label`` maps
    a city to its display name (English names in an English run)."""
    name_of = label or (lambda u: u)
    pts = []
    g = result.grid_fit
    total = int(g["n_on"].sum() + g["n_off"].sum()) if n_scores is None else n_scores
    off = result.off_grid
    ks = ", ".join(f"{d} {int(k)}" for d, k in g["k_used"].items())
    pts.append(f"**Score grid.** The printed domain scores are means of rank scores with k = {ks} indicators: "
               f"{total - len(off)} of {total} sit on the grid 100·m/(k·n); {len(off)} do not ("
               + "; ".join(f"{name_of(r.unit)} {r.domain} {r.printed:.2f} → {r.proposed:.2f}, {r.confidence} confidence"
                           for r in off.itertuples()) + ").")
    for name, chk in result.rankings.items():
        typos = chk[chk["status"] == "unexplained"]
        seq = result.sequences[name]
        if len(typos) or len(seq):
            if name == "overall" and len(typos):
                region = result.params.get("region")
                bits = [f"{len(typos)} rank(s) not given by the scores under '{result.best_scheme}' weights"
                        + (f"; {region_note(region)}" if region is not None else "")]
            else:
                bits = [f"{len(typos)} rank(s) inconsistent with the scores"] if len(typos) else []
            bits += [f"{r.problem} {int(r.rank)}" for r in seq.itertuples()]
            extra = ""
            if after is not None:
                left = int((after.rankings[name]["status"] == "unexplained").sum())
                extra = f"; after the errata: {left} left"
            pts.append(f"**Ranking '{name}'.** {', '.join(bits)}{extra}.")
    w = result.weighting
    st, best = result.params.get("stated_scheme"), result.best_scheme
    line = (f"**Weights.** The stated scheme '{st}' makes {w.at[st, 'consistent']}/{w.at[st, 'n']} published "
            f"overall ranks consistent with the printed scores; '{best}' makes "
            f"{w.at[best, 'consistent']}/{w.at[best, 'n']}")
    if after is not None:
        wa = after.weighting
        line += (f" (after the errata: '{st}' {wa.at[st, 'consistent']}, '{best}' {wa.at[best, 'consistent']} — "
                 f"circular in part: the off-grid corrections were chosen partly by their fit to this ranking under "
                 f"'{best}' weights)")
    pts.append(line + ".")
    cl = result.cluster_lists
    if len(cl):
        pts.append("**Cluster lists.** " + "; ".join(f"{name_of(r.unit)}: {r.problem}" for r in cl.itertuples()) + ".")
    lk = result.linkage
    exact = lk[lk["ari"] >= 1 - 1e-9]
    if len(exact):
        line = (f"**Linkage.** {len(exact)} of the {len(lk)} combinations scanned give the printed classes exactly "
                "(ARI = 1): " + "; ".join(
                    f"{r.method}/{r.metric}{' on z-scores' if r.standardise else ''}" for r in exact.itertuples())
                + " — found by search, not named by the report, so the classes are consistent with them, not "
                "reproduced")
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
        pts.append(f"**GDP regression.** {int((rg['status'] == 'match').sum())} of {len(rg)} printed r are consistent "
                   f"with the bundled 2013 GDP (the report prints no GDP, so none can reproduce); the largest difference is {rg['r_difference'].abs().max():.3f} "
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
    for label, scheme in (("stated weights", stated), ("best named weighting", best)):
        for data, res in (("printed", printed), ("after errata", corrected)):
            w = res.weighting
            rows.append(row(f"overall ranks, {label} '{scheme}' ({data})", w.at[scheme, "n"],
                            w.at[scheme, "consistent"],
                            evidence="lenient" if data == "printed" else "after errata",
                            can_show="ranks allowed up to tie order and rounding"
                            + ("" if data == "printed" else " (" + circular + ")")))
    region = printed.params.get("region")
    if region is not None:
        rows[-2]["note"] = region_note(region)          # the best named weighting, printed: its misses in words
        rows.append(row("overall ranks, some domain weights (printed; the weight region of 01_rankings)",
                        region.n_units, region.n_units if region.feasible else 0,
                        f"largest common margin {region.margin:.3f} score points", evidence="fitted",
                        can_show="that the printed scores allow every printed place under some weights (fitted to "
                                 "this ranking, so consistency, not a reproduction); not which weights the report used"))
    rows.append(row("cities printed exactly once in the cluster lists", n_units,
                    n_units - len(printed.cluster_lists), can_show="whether the lists are a partition"))
    lk = printed.linkage
    if printed.params.get("stated_linkage"):
        m, d = printed.params["stated_linkage"]
        st = linkage_rows(lk, m, d).iloc[0]
        rows.append(row(f"printed classes given by the stated linkage {m}/{d} (best standardisation)",
                        st["n"], st["agree"], f"ARI {st['ari']:.3f}", evidence="reproduction",
                        can_show="whether the stated method gives the printed classes from the printed scores"))
    top = lk.iloc[0]
    n_perfect = int((lk["ari"] >= 1 - 1e-12).sum())
    rows.append(row(f"printed classes given by {top['method']}/{top['metric']}, the best of a {len(lk)}-combination "
                    "scan (found by search)", top["n"], top["agree"],
                    f"ARI {top['ari']:.3f}; omitted: {top['placed']}; {n_perfect} combination(s) of the scan reach "
                    "ARI 1 (02_clustering lists them)", evidence="fitted",
                    can_show="that this method gives the printed classes (found by searching the scan, so "
                             "consistency, not a reproduction), not that the report used it"))
    rows.append(row("printed correlations reproduced (printed scores)", len(printed.correlations),
                    (printed.correlations["status"] == "match").sum(), evidence="reproduction",
                    can_show="whether each printed r follows from the printed scores"))
    if printed.regression is not None:
        reg = printed.regression
        n_r2 = int(((reg["r2_recomputed"] - reg["r2_published"]).abs()
                    <= reg["r2_published"].map(lambda v: 0.5 * 10.0 ** -printed_decimals(v)) + 1e-12).sum())
        rows.append(row("printed GDP r recomputed (printed scores, bundled GDP)", len(reg),
                        (reg["status"] == "match").sum(), "bundled GDP series (mixed vintages)", evidence="inputs not printed",
                        can_show="consistency with one GDP series; the report's GDP values are not printed"))
        rows.append(row("printed GDP R² recomputed (printed scores, bundled GDP)", len(reg), n_r2,
                        "R² compared to its own printed decimals", evidence="inputs not printed",
                        can_show="consistency with one GDP series; the report's GDP values are not printed"))
    rows.append(row("machine-detectable findings recorded in the errata table", len(reconciliation),
                    (reconciliation["status"] == "both").sum(), evidence="bookkeeping",
                    can_show="only that data/errata.csv is up to date with this audit (the errata were derived from "
                             "it): no evidence about the report"))
    return pd.DataFrame(rows)



def verdict_sentences(corrected: AuditResult, *, best_scheme: str | None = None,
                      correlation_cause: str | None = None, tol: float = 0.0005, label=None,
                      sep: str | None = None, printed: AuditResult | None = None) -> list[str]:
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
    printed : AuditResult, optional
        :func:`audit_report` of the tables as printed: the correlation sentence then also gives the count and
        the largest difference as printed (the numbers of 04_correlations), each labelled.

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
         if (best_chk["status"] != "unexplained").all() else
         rank_verdict(agreement(best), what=f"overall ranks under '{best}' weights (after errata)", label=label,
                      sep=sep)),
        verdict(compare_values(c["published"], c["recomputed"], tol=tol),
                what="printed correlations", tol=tol, cause=correlation_cause)
        .replace(" reproduce (", " reproduce from the scores after errata (", 1)
        .replace("; largest difference ", "; largest difference (after errata) ", 1)
        + ("" if printed is None else _as_printed(printed.correlations, tol)),
    ]


def _as_printed(c: pd.DataFrame, tol: float) -> str:
    chk = compare_values(c["published"], c["recomputed"], tol=tol)
    d = chk["difference"].abs()
    return (f" As printed (the scores without errata, as in 04_correlations): {int((chk['status'] == 'match').sum())} "
            f"of {len(chk)} reproduce; largest difference (as printed) {d.max():.4g} ({d.idxmax()}).")




def correlation_cause(printed: "AuditResult", corrected: "AuditResult") -> str | None:
    """Likely cause of printed correlations that do not reproduce after the errata, in words.

    The pattern of misses after the errata (:func:`vitality.stats.correlation_cause`) and how far the
    errata move the recomputed r (the largest change between the printed and the corrected tables).
    """

    after = corrected.correlations.set_index(["row_domain", "col_domain"])
    before = printed.correlations.set_index(["row_domain", "col_domain"])
    shift = float((after["recomputed"] - before["recomputed"].reindex(after.index)).abs().max())
    return _cause(after[["difference", "status"]], shift)
