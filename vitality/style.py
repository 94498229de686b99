"""Figure style, CJK font discovery and saving.

One place sets the look of every figure: :func:`setup` finds a font that can draw Chinese, configures
matplotlib for it and returns the language the labels should use. Where no CJK font is installed it
falls back to English labels and prints a one-line hint. Plot functions elsewhere take ``ax=None``
and return the Axes; they never save. Notebooks save through :func:`save_figure`, which writes a
300-dpi PNG and an SVG with no timestamps, so a rerun writes identical files.
"""

from __future__ import annotations

import os
import sys
import weakref
from pathlib import Path

import matplotlib
import matplotlib.font_manager as fm
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .errors import ConfigError

__all__ = ['CJK_FAMILIES', 'FONT_HINT', 'LANGS', 'find_cjk_font', 'setup', 'SOURCE_GID', 'LATIN_ALLOWED_IN_ZH',
           'set_translator', 'translate_figure', 'set_source_note', 'current_lang', 'add_source_note', 'figure_texts',
           'language_problems', 'save_figure', 'inline_png', 'check_lang']

#: CJK-capable families, most preferred first (simplified-Chinese variants before the others).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
)

#: Substrings of font file names that are worth registering when matplotlib's cache predates them.
_CJK_FILE_HINTS = ("cjk", "wqy", "wenquanyi", "sourcehan", "simhei", "msyh", "pingfang", "droidsansfallback",
                   "notosanssc", "sarasa", "uming", "ukai", "heiti", "hiragino")

FONT_HINT = ("No CJK font found: figure labels fall back to English. To get Chinese labels install one, e.g. "
             "`apt-get install fonts-noto-cjk` (Debian/Ubuntu) or `conda install -c conda-forge "
             "font-ttf-noto-cjk`, then restart the kernel.")

LANGS = ("zh", "en")

_STATE: dict = {"font": None, "searched": False}


def _installed_families() -> set[str]:
    return {f.name for f in fm.fontManager.ttflist}


def find_cjk_font(*, refresh: bool = False) -> str | None:
    """Return the name of an installed font family that can draw Chinese, or ``None``.

    Looks first in matplotlib's font list; if none of :data:`CJK_FAMILIES` is there (matplotlib's
    cache may predate a font installed later), scans the system font folders for likely CJK files,
    registers them with matplotlib and looks again.

    Parameters
    ----------
    refresh : bool, default False
        Search again instead of returning the result of the first search (e.g. after installing a
        font in a running kernel).

    Returns
    -------
    str or None
        The first of :data:`CJK_FAMILIES` that is installed, or ``None``.

    Examples
    --------
    The answer depends on the fonts installed on the machine, hence the skipped line:

    >>> from vitality.style import CJK_FAMILIES, find_cjk_font
    >>> find_cjk_font()  # doctest: +SKIP
    'Noto Sans CJK SC'
    >>> font = find_cjk_font()
    >>> font is None or font in CJK_FAMILIES
    True
    """
    if _STATE["searched"] and not refresh:
        return _STATE["font"]
    families = _installed_families()
    found = next((f for f in CJK_FAMILIES if f in families), None)
    if found is None:
        for path in sorted(fm.findSystemFonts()):
            if any(h in Path(path).name.lower().replace("-", "").replace("_", "") for h in _CJK_FILE_HINTS):
                try:
                    fm.fontManager.addfont(path)
                except (RuntimeError, OSError, ValueError):  # unreadable font file: skip it, keep looking
                    continue
        families = _installed_families()
        found = next((f for f in CJK_FAMILIES if f in families), None)
    _STATE.update(font=found, searched=True)
    return found


def _cjk_disabled() -> bool:
    """``VITALITY_NO_CJK=1`` makes :func:`setup` behave as on a machine without a CJK font (used by the
    tests to exercise the English fallback)."""
    return os.environ.get("VITALITY_NO_CJK", "").strip().lower() in ("1", "true", "yes")


def setup(lang: str = "zh", *, font: str | None = None, quiet: bool = False) -> str:
    """Configure matplotlib for the project's figures and return the label language to use.

    Parameters
    ----------
    lang : {'zh', 'en'}
        Requested label language.
    font : str, optional
        A font family to use instead of the one found by :func:`find_cjk_font`.
    quiet : bool
        Suppress the one-line hint printed when Chinese was asked for but no CJK font exists.

    Returns
    -------
    str
        ``'zh'`` when Chinese labels can be drawn and were asked for, else ``'en'``.

    Examples
    --------
    ``setup`` changes matplotlib's global settings; ``rc_context`` restores them afterwards here.

    >>> import matplotlib
    >>> from vitality.style import setup
    >>> with matplotlib.rc_context():
    ...     setup("en")
    'en'

    Asking for Chinese gives ``'zh'`` only where a CJK font is installed (machine-dependent, hence
    skipped), else ``'en'`` and a one-line hint (``quiet=True`` drops it):

    >>> with matplotlib.rc_context():
    ...     setup("zh")  # doctest: +SKIP
    'zh'
    >>> with matplotlib.rc_context():
    ...     setup("zh", quiet=True) in ("zh", "en")
    True
    """
    if lang not in LANGS:
        raise ConfigError(f"lang={lang!r} is not a known label language; choose one of {LANGS}.")
    cjk = font or (None if _cjk_disabled() else find_cjk_font())
    sans = [cjk] if cjk else []
    sans += ["DejaVu Sans"]
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": sans,
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "svg.hashsalt": "vitality",
        "svg.fonttype": "path",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "font.size": 10,
    })
    if lang == "zh" and cjk is None:
        if not quiet:
            print(FONT_HINT)
        _STATE["lang"] = "en"
        return "en"
    _STATE["lang"] = lang
    return lang


# ----------------------------------------------------------------------------------------------
# source notes and the language of a figure's text
# ----------------------------------------------------------------------------------------------

#: default source note per label language, set by the package that owns the data (:func:`set_source_note`)
_SOURCE: dict = {"zh": None, "en": None}
#: gid of the text artist :func:`add_source_note` draws (so a note is never drawn twice)
SOURCE_GID = "vitality-source-note"
#: figures laid out for good by :func:`save_figure` or :func:`add_source_note` (no layout engine left): their
#: inline image needs no measuring draw (:func:`inline_png`)
_FROZEN: weakref.WeakSet = weakref.WeakSet()

#: Latin words a Chinese figure may carry: statistics symbols and names that have no Chinese form in use
LATIN_ALLOWED_IN_ZH = frozenset({
    "GDP", "OLS", "ARI", "CI", "SPSS", "Ward", "Pearson", "Spearman", "Kendall", "Kruskal", "Wallis", "Sobol",
    "UPGMA", "WPGMA", "ST", "S1", "R²", "Z", "SD", "IQR", "QGIS", "SIIS", "Okabe", "Ito", "Monte", "Carlo",
    "Saltelli", "Jansen", "H", "df", "min", "max", "Spearman's", "Sobol'", "Ward's", "vs", "cnmaps", "round",
    "Paruolo", "LP",
})

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"


def set_translator(fn):
    """Register ``fn(text, lang) -> text``, applied by :func:`save_figure` to every text of a figure before it is
    checked and saved (a report layer maps its English technical terms to Chinese display names here).

    Parameters
    ----------
    fn : callable or None
        ``fn(text, lang) -> text``; ``None`` translates nothing.

    Returns
    -------
    callable or None
        The translator registered before, so that it can be restored.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.style import set_translator, translate_figure
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("ranking")
    >>> before = set_translator(lambda text, lang: {"ranking": "排名"}.get(text, text) if lang == "zh" else text)
    >>> translate_figure(fig, "zh")
    >>> ax.get_title()
    '排名'
    >>> _ = set_translator(before)
    >>> plt.close(fig)
    """
    previous = _STATE.get("translator")
    _STATE["translator"] = fn
    return previous


def translate_figure(fig, lang: str) -> None:
    """Apply the registered translator (:func:`set_translator`) to every text artist of ``fig``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, changed in place.
    lang : {"zh", "en"}
        Language passed to the translator.

    Returns
    -------
    None
        Texts are replaced in place; nothing happens when no translator is registered.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.style import set_translator, translate_figure
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_xlabel("score")
    >>> before = set_translator(lambda text, lang: text.upper())
    >>> translate_figure(fig, "en")
    >>> ax.get_xlabel()
    'SCORE'
    >>> _ = set_translator(before)
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    fn = _STATE.get("translator")
    if fn is None:
        return
    for ax in fig.axes:     # tick labels are redrawn from the axis formatter: translate them there
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            new = [fn(t, lang) for t in labels]
            if new != labels:
                axis.set_ticks(axis.get_ticklocs(), new)
    for t in fig.findobj(Text):
        text = t.get_text()
        if text:
            new = fn(text, lang)
            if new != text:
                t.set_text(new)


def set_source_note(*, zh: str | None = None, en: str | None = None) -> dict:
    """Register the default source note that :func:`save_figure` writes under every figure, per language
    (a report layer calls this once with the citation of its data).

    Parameters
    ----------
    zh, en : str, optional
        The note of Chinese and of English figures (``None``: no note).

    Returns
    -------
    dict
        The notes registered before (``{"zh": ..., "en": ...}``), so that they can be restored.

    Examples
    --------
    >>> from vitality.style import set_source_note
    >>> before = set_source_note(zh="数据来源：示例", en="Source: example")
    >>> set_source_note(**before)  # restores the notes; returns the ones it replaces
    {'zh': '数据来源：示例', 'en': 'Source: example'}
    """
    previous = dict(_SOURCE)
    _STATE["source_set"] = True
    _SOURCE.update(zh=zh, en=en)
    return previous


def current_lang() -> str:
    """The label language of the last :func:`setup` (``'zh'`` before any call).

    Returns
    -------
    str
        ``"zh"`` or ``"en"``.

    Examples
    --------
    >>> from vitality.style import current_lang
    >>> current_lang() in ("zh", "en")
    True
    """
    return _STATE.get("lang") or "zh"


def add_source_note(fig, text: str, *, fontsize: float = 7.5, colour: str = "#444444"):
    """Write ``text`` (e.g. "数据来源：…" / "Source: …") in small type under everything drawn on ``fig``, left
    aligned, so it never overlaps a label, legend or caption; replaces an earlier note. Returns the Text.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    text : str
        The note.
    fontsize : float, default 7.5
        Font size.
    colour : str, default "#444444"
        Text colour.

    Returns
    -------
    matplotlib.text.Text
        The note.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.style import add_source_note
    >>> fig, ax = plt.subplots()
    >>> note = add_source_note(fig, "Source: example")
    >>> note = add_source_note(fig, "Source: example, 2015")
    >>> [t.get_text() for t in fig.texts]  # the second note replaced the first
    ['Source: example, 2015']
    >>> plt.close(fig)
    """
    _remove_note(fig)
    if not hasattr(fig.canvas, "get_renderer"):     # a bare Figure(): give it a canvas that can measure text
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()                    # layout and ticks as drawn; nothing is rasterised
    note = _place_note(fig, text, fig.canvas.get_renderer(), fontsize=fontsize, colour=colour)
    if _no_layout_engine(fig):                      # laid out for good: its inline image needs no measuring draw
        _freeze_layout(fig)                         # (the placeholder a tight_layout() leaves would draw again)
        _mark_frozen(fig)
    return note


def _remove_note(fig) -> None:
    for t in list(fig.texts):
        if t.get_gid() == SOURCE_GID:
            t.remove()


def _place_note(fig, text: str, renderer, *, fontsize: float = 7.5, colour: str = "#444444"):
    """The note of :func:`add_source_note` on a figure already drawn (measured, not drawn again)."""
    bbox = fig.get_tightbbox(renderer)              # inches, everything drawn
    w, h = fig.get_size_inches()
    x = max(bbox.x0 / w, -0.5)
    y = bbox.y0 / h - 0.08 / h                       # 0.08 in below the lowest artist
    note = fig.text(x, y, text, ha="left", va="top", fontsize=fontsize, color=colour, gid=SOURCE_GID,
                    wrap=False)
    return note


def figure_texts(fig, *, draw: bool = True) -> list[str]:
    """Every visible, non-empty text drawn on ``fig`` (titles, labels, ticks, legends, annotations).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (drawn first, so tick labels exist).
    draw : bool, default True
        Draw the figure first; ``False`` for a figure drawn since its last change (saves a draw).

    Returns
    -------
    list of str
        The texts, stripped.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from vitality.style import figure_texts
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Overall ranking"); _ = ax.set_xticks([0, 1], ["a", "b"]); _ = ax.set_yticks([])
    >>> figure_texts(fig)
    ['a', 'b', 'Overall ranking']
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    if draw:
        fig.draw_without_rendering()
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible():
            continue
        text = t.get_text().strip()
        if text:
            out.append(text)
    return out


def language_problems(texts, lang: str) -> list[str]:
    """Texts that do not belong in a figure labelled in ``lang``: any Chinese character (or full-width
    punctuation) in an English figure; an English word in a Chinese figure, apart from the statistics
    symbols and proper names of :data:`LATIN_ALLOWED_IN_ZH` (single letters, numbers and units pass).

    Parameters
    ----------
    texts : iterable of str
        Texts of a figure (:func:`figure_texts`).
    lang : {"zh", "en"}
        The figure's label language.

    Returns
    -------
    list of str
        The texts that do not belong (empty when the figure is clean).

    Examples
    --------
    >>> from vitality.style import language_problems
    >>> language_problems(["Overall ranking", "北京"], "en")
    ['北京']
    >>> language_problems(["综合排名", "Spearman ρ", "ranking"], "zh")
    ['ranking']
    """
    import re

    check_lang(lang)
    bad = []
    for raw in texts:
        text = re.sub(r"\$[^$]*\$", "", raw)            # mathtext is symbols, not words
        if lang == "en":
            if re.search(f"[{_CJK}]", text):
                bad.append(raw)
        else:
            words = re.findall(r"[A-Za-z][A-Za-z'’²]+", text)
            if any(w not in LATIN_ALLOWED_IN_ZH for w in words):
                bad.append(raw)
    return bad


def save_figure(fig, name: str, out_dir: str | Path, *, formats=("png", "svg"), source: str | bool | None = None,
                lang: str | None = None) -> list[Path]:
    """Save ``fig`` as ``out_dir/name.png`` (300 dpi) and ``out_dir/name.svg``, reproducibly.

    No creation date or software version is embedded, so identical inputs give identical files.
    ``source`` is the note written under the figure ("数据来源：…" / "Source: …"): ``None`` uses the default
    registered with :func:`set_source_note` for the figure's language (``lang``, default that of the last
    :func:`setup`), ``False`` writes none. Every text of the figure is then checked against that language
    (:func:`language_problems`): a Chinese character in an English figure or an English word in a Chinese
    one is reported as a warning, and the figure's texts, note and problems are recorded in
    ``out_dir/.meta/name.json`` (read by the report's index page and the tests). Returns the paths written.

    The figure's layout engine (constrained or tight layout) runs once and is then removed, so the files and any
    later display show the same positions however often the figure is drawn; each format is rendered once.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    name : str
        File name without extension.
    out_dir : str or pathlib.Path
        Output folder (created if needed).
    formats : sequence of {"png", "svg", "pdf"}, default ("png", "svg")
        One file per format; PNG at 300 dpi.
    source : str, None or False
        The source note under the figure (None: the registered default for ``lang``; False: none).
    lang : {"zh", "en"}, optional
        The figure's label language (default that of the last :func:`setup`), for the note and the check.

    Returns
    -------
    list of pathlib.Path
        The files written, in ``formats`` order.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib
    >>> from matplotlib.figure import Figure
    >>> from vitality.style import save_figure, setup
    >>> tmp = tempfile.mkdtemp()
    >>> with matplotlib.rc_context():  # restores matplotlib's settings afterwards
    ...     _ = setup("en")  # the project style, which also fixes the SVG ids
    ...     fig = Figure()
    ...     _ = fig.subplots().plot([1, 2, 3], [2, 1, 3])
    ...     paths = save_figure(fig, "demo", tmp)
    ...     first = [p.read_bytes() for p in paths]
    ...     again = [p.read_bytes() for p in save_figure(fig, "demo", tmp)]
    >>> [p.name for p in paths]
    ['demo.png', 'demo.svg']
    >>> first == again  # a rerun writes identical files
    True
    >>> import shutil
    >>> shutil.rmtree(tmp)
    """
    import json
    import warnings

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lang = check_lang(lang or current_lang())
    note = _SOURCE.get(lang) if source is None else (source or None)
    translate_figure(fig, lang)
    if note:
        _remove_note(fig)
    if not hasattr(fig.canvas, "get_renderer"):     # a bare Figure(): give it a canvas that can measure text
        FigureCanvasAgg(fig)
    # One layout pass, then the layout is frozen: every later step (the note's measure, the labels placed to
    # avoid each other, each file format, the notebook's inline image) sees the same positions, so the files do
    # not depend on how often the figure was drawn; the figure is rendered once per format and no more.
    fig.draw_without_rendering()     # a draw that lays out and measures but rasterises nothing
    frozen = _freeze_layout(fig)
    renderer = fig.canvas.get_renderer()
    if note:
        _place_note(fig, note, renderer)
    for ax in fig.axes:
        # labels placed to avoid each other (vitality.plots) are placed again on the final layout
        relabel = getattr(ax, "_vitality_relabel", None)
        if callable(relabel):
            relabel()
    texts = figure_texts(fig, draw=False)       # drawn above; the note and the labels' moves add no text
    problems = language_problems(texts, lang)
    if problems:
        warnings.warn(f"figure {name} ({lang}): text in the wrong language: {problems[:5]}", stacklevel=2)
    titles = [t for ax in fig.axes for t in (ax.get_title(loc) for loc in ("left", "center", "right")) if t]
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text():
        titles.insert(0, fig._suptitle.get_text())
    meta_dir = out / ".meta"
    meta_dir.mkdir(exist_ok=True)
    (meta_dir / f"{name}.json").write_text(json.dumps(
        {"name": name, "lang": lang, "titles": titles, "source": note, "texts": texts, "problems": problems},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # savefig's bbox="tight" crop, measured here as savefig measures it for each format (the 300-dpi PNG renderer,
    # the SVG renderer at 72 dpi): with the layout frozen, no format needs a measuring draw of its own
    tight = frozen and matplotlib.rcParams["savefig.bbox"] == "tight"
    written = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        if fmt == "png":
            meta = {"Software": None}
        elif fmt == "svg":
            meta = {"Date": None, "Creator": None}
        elif fmt == "pdf":
            meta = {"CreationDate": None, "Producer": None, "Creator": None}
        else:
            raise ConfigError(f"format {fmt!r} is not supported; use png, svg or pdf.")
        # matplotlib's "Glyph ... missing from font(s)" warnings pass through: they mean a label cannot be drawn
        bbox = _tight_bbox(fig, fmt) if tight else None
        fig.savefig(path, format=fmt, metadata=meta, dpi=300 if fmt == "png" else None,
                    **({} if bbox is None else {"bbox_inches": bbox}))
        written.append(path)
    if frozen:
        _mark_frozen(fig)
    return written


def _mark_frozen(fig) -> None:
    """``fig`` is laid out for good: its inline image may skip the measuring draw (:func:`inline_png`)."""
    _FROZEN.add(fig)
    _use_inline_png()


def inline_png(fig, printer):
    """A notebook's inline PNG of ``fig`` through IPython's ``printer``, cropped without a measuring draw
    when :func:`save_figure` (or :func:`add_source_note`, on a figure without a layout engine) has laid the
    figure out for good.

    IPython displays a figure with ``bbox_inches="tight"``, for which matplotlib draws the whole figure once
    to measure it and once more to render it. After :func:`save_figure` the figure has no layout engine,
    so that measuring draw moves nothing: the crop is measured from the figure as it stands (as
    :func:`save_figure` measures its own files) and passed to ``printer``, which then renders once. The
    image is byte-identical to IPython's; any other figure (and one holding a ``Table``, which lays its cells
    out anew at every draw), or a printer whose crop is not ``"tight"``, goes to ``printer`` unchanged.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure displayed.
    printer : callable
        IPython's PNG printer for figures (``functools.partial(print_figure, fmt="png", ...)``).

    Returns
    -------
    str or bytes or None
        What ``printer`` returns (base64 PNG data in a kernel).

    Examples
    --------
    >>> import base64, functools, tempfile
    >>> import matplotlib
    >>> from IPython.core.pylabtools import print_figure
    >>> from matplotlib.figure import Figure
    >>> from vitality.style import inline_png, save_figure, setup
    >>> printer = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    >>> with matplotlib.rc_context():
    ...     _ = setup("en")
    ...     fig = Figure(layout="constrained")
    ...     _ = fig.subplots().plot([1, 2, 3], [2, 1, 3])
    ...     _ = save_figure(fig, "demo", tempfile.mkdtemp(), formats=("png",))
    ...     inline_png(fig, printer) == printer(fig)   # the same image, one draw fewer
    True
    """
    keywords = getattr(printer, "keywords", None) or {}
    plain = (getattr(getattr(printer, "func", None), "__name__", None) == "print_figure"
             and keywords.get("fmt") == "png" and keywords.get("bbox_inches", "tight") == "tight"
             and set(keywords) <= {"fmt", "base64", "bbox_inches"} and not getattr(printer, "args", ()))
    if (plain and fig in _FROZEN and fig.get_layout_engine() is None and hasattr(fig.canvas, "get_renderer")
            and (fig.axes or fig.lines) and not _lays_out_when_drawn(fig)):
        bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(matplotlib.rcParams["savefig.pad_inches"])
        return printer(fig, bbox_inches=bbox)
    return printer(fig)


def _lays_out_when_drawn(fig) -> bool:
    """Whether ``fig`` holds an artist that places its parts anew at every draw (a matplotlib ``Table`` rescales
    its cells to its box in place, so its last bits depend on the draws before): such a figure keeps
    matplotlib's measuring draw."""
    from matplotlib.table import Table

    return any(isinstance(a, Table) for ax in fig.axes for a in ax.get_children())


def _no_layout_engine(fig) -> bool:
    """Whether a draw of ``fig`` moves nothing: no layout engine, or only the placeholder that a one-off
    ``tight_layout()`` leaves (it lays nothing out)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    return engine is None or type(engine) is PlaceHolderLayoutEngine


def _use_inline_png() -> None:
    """In an IPython kernel whose PNG formatter prints figures (matplotlib's inline backend), route it
    through :func:`inline_png` (once; a formatter set up again later is wrapped again on the next save)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    from functools import partial

    from matplotlib.figure import Figure

    formatter = getattr(shell, "display_formatter", None)
    png = formatter.formatters.get("image/png") if formatter is not None else None
    if png is None:
        return
    try:
        printer = png.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(printer, "func", None) is inline_png:
        return
    png.for_type(Figure, partial(inline_png, printer=printer))


def _freeze_layout(fig) -> bool:
    """Remove ``fig``'s layout engine after its layout pass, so that later draws move nothing (and savefig
    needs no measuring draw before it renders); returns whether the figure has no engine now."""
    if fig.get_layout_engine() is not None:
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)         # None, not "none": that placeholder still makes savefig draw twice
    return fig.get_layout_engine() is None


def _tight_bbox(fig, fmt: str):
    """``fig``'s ``bbox_inches="tight"`` crop (inches, padded) as ``savefig`` measures it for ``fmt`` (png at
    300 dpi, svg), without drawing; ``None`` for another format (savefig then measures it itself)."""
    import io

    canvas, before = fig.canvas, fig.dpi
    manager, canvas.manager = canvas.manager, None      # as savefig does: a window must not follow the dpi change
    try:
        if fmt == "png":
            fig.dpi = 300
            renderer = fig.canvas.get_renderer()
        elif fmt == "svg":
            from matplotlib.backends.backend_svg import RendererSVG

            fig.dpi = 72                                # as the SVG backend draws
            w, h = fig.get_size_inches() * 72
            renderer = RendererSVG(w, h, io.StringIO())
        else:
            return None
        return fig.get_tightbbox(renderer).padded(matplotlib.rcParams["savefig.pad_inches"])
    finally:
        fig.dpi = before
        canvas.manager = manager


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a label language (``'zh'`` or ``'en'``), else raise ConfigError.

    Parameters
    ----------
    lang : str
        The label language asked for.

    Returns
    -------
    str
        ``lang`` unchanged.

    Examples
    --------
    >>> from vitality.style import check_lang
    >>> check_lang("zh")
    'zh'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    vitality.errors.ConfigError: lang='fr' is not a label language; choose 'zh' or 'en'.
    """
    if lang not in ("zh", "en"):
        raise ConfigError(f"lang={lang!r} is not a label language; choose 'zh' or 'en'.")
    return lang
