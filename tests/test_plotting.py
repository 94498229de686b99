"""plotting: CJK font discovery, English fallback with a hint, reproducible files."""


import matplotlib.pyplot as plt
import pytest

from vitality import style
from vitality.errors import ConfigError


def test_setup_rejects_unknown_language():
    with pytest.raises(ConfigError, match="zh"):
        style.setup("fr")


def test_fallback_to_english_with_one_line_hint(monkeypatch, capsys):
    monkeypatch.setattr(style, "find_cjk_font", lambda **kw: None)
    assert style.setup("zh") == "en"
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "fonts-noto-cjk" in out[0]
    assert style.setup("en") == "en"
    assert capsys.readouterr().out == ""


def test_cjk_font_renders_chinese_when_installed(recwarn):
    font = style.find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed on this machine (CI installs fonts-noto-cjk)")
    assert style.setup("zh") == "zh"
    fig, ax = plt.subplots()
    ax.set_title("城市对外交往活力指数 北京 上海")
    fig.canvas.draw()
    missing = [w for w in recwarn if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    plt.close(fig)
    assert not missing, [str(w.message) for w in missing]


def test_save_figure_writes_png_and_svg_identically(tmp_path):
    style.setup("en", quiet=True)
    written = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [1, 0])
        paths = style.save_figure(fig, "fig00-test", tmp_path)
        plt.close(fig)
        written.append([p.read_bytes() for p in paths])
    assert [p.name for p in paths] == ["fig00-test.png", "fig00-test.svg"]
    assert written[0] == written[1]
    assert b"<dc:date>" not in written[0][1]
