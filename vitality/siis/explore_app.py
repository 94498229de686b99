"""``python -m vitality explore``: the weight explorer as a page of its own, for colleagues without Jupyter.

The page is Voilà (its "lab" template, minus two stylesheets it would fetch from a CDN) rendering a small
explorer notebook that calls the same
:func:`vitality.explorer.weight_explorer` as ``01_rankings`` and ``07_robustness`` (same sliders, presets,
table and chart); its code cells are hidden.  The notebook is written into a temporary folder by this
command and removed when it stops; the page itself only reads the data (the bundled ``data/`` or
``--data-dir``) and writes nothing.

Security: it listens on 127.0.0.1 unless ``--host`` says otherwise.  Serving to a network
(``--host 0.0.0.0`` or any address that is not loopback) needs a token: pass ``--token`` or one is
generated and printed; the page then opens only with ``?token=...``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import sys
import tempfile
from pathlib import Path

from ..errors import ConfigError
from . import data

__all__ = ['DEFAULT_HOST', 'DEFAULT_PORT', 'explorer_notebook', 'TEMPLATE', 'write_offline_template',
           'LAB_EXTENSIONS_OFF', 'voila_argv', 'check_options', 'serve', 'free_port', 'add_cli_parser']

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866

#: environment variables through which the command hands its options to the page's kernel
ENV_DATA, ENV_LANG, ENV_MAX_ROWS = "VITALITY_EXPLORE_DATA", "VITALITY_EXPLORE_LANG", "VITALITY_EXPLORE_MAX_ROWS"

_CODE = """\
import os

from vitality import style
from vitality.siis import data, explorer, rankings

lang = style.setup(os.environ.get("VITALITY_EXPLORE_LANG", "zh"), quiet=True)
report = data.load_report(os.environ.get("VITALITY_EXPLORE_DATA") or None)
explorer.weight_explorer(report.domain_scores, report.rankings["overall"],
                         presets=rankings.report_schemes(report.domains), lang=lang, cities=report.cities,
                         max_rows=int(os.environ.get("VITALITY_EXPLORE_MAX_ROWS", "15")), interactive=True,
                         fallback=False)
"""

_TITLE = {
    "zh": "# 城市对外交往活力指数 · 权重探索\n\n拖动滑块（或在数字中输入权重）重新加权四个领域；表、图和权重行随之更新。"
          "每个城市的新排名与报告排名、名义模型（每指标等权，5 : 3 : 5 : 4）比较。权重是相对的：只有比例有意义。",
    "en": "# City International Communication Vitality Index · weight explorer\n\nMove the sliders (or type a weight "
          "into a slider's number) to re-weight the four domains; the weights line, table and chart follow. Each "
          "city's new rank is set against the published rank and the nominal model (equal weight per indicator, "
          "5 : 3 : 5 : 4). Weights are relative: only their ratios matter.",
}


def explorer_notebook(lang: str = "zh"):
    """The page's notebook (an ``nbformat`` node): a title and one code cell calling ``weight_explorer``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(_TITLE.get(lang, _TITLE["en"])), nbformat.v4.new_code_cell(_CODE)]
    return nb


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


#: the page's Voilà template: Voilà's "lab" template without the two stylesheets it fetches from a CDN (the
#: page must work offline, and the explorer uses no icons)
TEMPLATE = "vitality-offline"


def write_offline_template(root: Path) -> Path:
    """Write the :data:`TEMPLATE` into ``root`` (a Jupyter data folder: ``root/voila/templates/...``)."""
    import json

    from jupyter_core.paths import jupyter_path

    sources = [Path(p) / "index.html.j2" for p in jupyter_path("voila", "templates", "lab")]
    source = next((p for p in sources if p.is_file()), None)
    if source is None:
        raise ConfigError("Voilà's 'lab' template was not found; reinstall voila.")
    text = "".join(line for line in source.read_text(encoding="utf-8").splitlines(keepends=True)
                   if "cdn.jsdelivr.net" not in line)
    folder = root / "voila" / "templates" / TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html.j2").write_text(text, encoding="utf-8")
    (folder / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    return folder


#: JupyterLab extensions the explore page does not load (jupytext's needs JupyterLab's document manager)
LAB_EXTENSIONS_OFF = ("jupyterlab-jupytext",)


def voila_argv(notebook: Path, *, host: str, port: int, token: str | None) -> list[str]:
    """Arguments of the Voilà server (no browser, no file tree, tracebacks hidden, token if given)."""
    argv = [str(notebook), "--no-browser", f"--port={port}", f"--Voila.ip={host}", f"--template={TEMPLATE}",
            "--VoilaConfiguration.show_tracebacks=False", "--Voila.log_level=ERROR",
            # JupyterLab extensions that have nothing to do on the page and fail in Voilà's front end
            *(f"--VoilaConfiguration.extension_denylist={name}" for name in LAB_EXTENSIONS_OFF)]
    if token:
        argv.append(f"--token={token}")
    return argv


def check_options(host: str, port: int, token: str | None, data_dir: str | None) -> str | None:
    """Validate the options; return the token to use (generated for a non-loopback host without one)."""
    if not 0 < int(port) < 65536:
        raise ConfigError(f"--port must be 1..65535, got {port}.")
    if data_dir is not None and not Path(data_dir).is_dir():
        raise ConfigError(f"--data-dir {data_dir!r} is not a folder.")
    if token is not None and len(token) < 8:
        raise ConfigError("--token must be at least 8 characters.")
    if not _is_loopback(host) and not token:
        token = secrets.token_urlsafe(24)
    return token


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None,
          data_dir: str | None = None, lang: str = "zh", max_rows: int = 15) -> int:
    """Serve the explorer page until interrupted (Ctrl+C)."""
    token = check_options(host, port, token, data_dir)
    if lang not in ("zh", "en"):
        raise ConfigError(f"--lang must be 'zh' or 'en', got {lang!r}.")
    # fail early and clearly on missing or malformed data (the page would only show a traceback-free error)
    data.load_report(data_dir)
    try:
        from voila.app import Voila
    except ImportError as exc:  # pragma: no cover - voila is a dependency
        raise ConfigError("the explorer page needs Voilà: pip install voila") from exc
    import nbformat

    os.environ[ENV_LANG] = lang
    os.environ[ENV_MAX_ROWS] = str(int(max_rows))
    if data_dir is not None:
        os.environ[ENV_DATA] = str(Path(data_dir).resolve())
    else:
        os.environ.pop(ENV_DATA, None)
    with tempfile.TemporaryDirectory(prefix="vitality-explore-") as tmp:
        nb_path = Path(tmp) / "page" / "explorer.ipynb"
        nb_path.parent.mkdir()
        nbformat.write(explorer_notebook(lang), nb_path)
        write_offline_template(Path(tmp) / "jupyter")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(Path(tmp) / "jupyter"),
                                                                 os.environ.get("JUPYTER_PATH")) if p)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
        print(f"vitality explore: serving the weight explorer at {url}  (Ctrl+C stops it)", flush=True)
        if not _is_loopback(host):
            print(f"  listening on {host}: anyone who can reach this machine and has the token can open the page",
                  flush=True)
        Voila.launch_instance(argv=voila_argv(nb_path, host=host, port=port, token=token))
        Voila.clear_instance()
    return 0


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on (for tests and ``--port 0``)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _run(args: argparse.Namespace) -> int:
    port = free_port(args.host if _is_loopback(args.host) else "0.0.0.0") if args.port == 0 else args.port
    return serve(host=args.host, port=port, token=args.token, data_dir=args.data_dir, lang=args.lang,
                 max_rows=args.max_rows)


def add_cli_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "explore", help="serve the weight explorer as a web page (no Jupyter needed)",
        description="Serve the domain-weight explorer of 01_rankings / 07_robustness as a standalone page "
                    "(Voilà). Listens on 127.0.0.1 unless --host says otherwise; a non-loopback --host needs a "
                    "token (given with --token or generated and printed). The page reads the data, never writes.")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}; "
                                                         "0.0.0.0 serves to the network and requires a token)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--token", default=None, help="token the page asks for (default: none on 127.0.0.1, "
                                                 "generated for any other host)")
    p.add_argument("--data-dir", default=None, help="data folder with report/ (default: the bundled data/)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="labels (default zh; en without a CJK font)")
    p.add_argument("--max-rows", type=int, default=15, help="table rows visible without scrolling (default 15)")
    p.set_defaults(func=_run)
    return p


if __name__ == "__main__":  # pragma: no cover
    from ..cli import main

    sys.exit(main(["explore", *sys.argv[1:]]))
