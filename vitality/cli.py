"""Command line: ``python -m vitality {build,uncertainty,reproduce} ...`` (also installed as ``vitality``).

Each subcommand lives beside the code it drives and registers itself through ``add_cli_parser``;
this module only assembles them. The generic library's own commands are listed here; other packages (the
report layer, :mod:`vitality.siis`) add theirs through the ``vitality.commands`` entry-point group of their
``pyproject.toml``, so the generic library never imports them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import VitalityError

__all__ = ['SUBCOMMAND_MODULES', 'ENTRY_POINT_GROUP', 'subcommand_modules', 'build_parser', 'main']

#: the generic library's subcommand modules, in the order ``--help`` lists them
SUBCOMMAND_MODULES = ("vitality.index_cli", "vitality.robustness_cli")
#: entry-point group through which other packages add subcommand modules
ENTRY_POINT_GROUP = "vitality.commands"


def subcommand_modules() -> list[str]:
    """The generic modules, then those registered under :data:`ENTRY_POINT_GROUP` (sorted by name)."""
    from importlib.metadata import entry_points

    plugins = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    return list(SUBCOMMAND_MODULES) + [e.value for e in plugins if e.value not in SUBCOMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vitality",
        description="Reproduce, audit and extend the SIIS City International Communication Vitality Index.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in subcommand_modules():
        importlib.import_module(name).add_cli_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except VitalityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
