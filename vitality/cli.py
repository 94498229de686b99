"""Command line: ``python -m vitality {build,uncertainty,reproduce,explore} ...`` (also installed as ``vitality``).

Each subcommand lives beside the code it drives and registers itself through ``add_cli_parser``;
this module only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import VitalityError

#: subcommand modules, in the order ``--help`` lists them
SUBCOMMAND_MODULES = ("vitality.index_cli", "vitality.robustness_cli", "vitality.reproduce", "vitality.explore_app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vitality",
        description="Reproduce, audit and extend the SIIS City International Communication Vitality Index.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
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
