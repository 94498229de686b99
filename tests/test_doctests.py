"""The docstring examples of every module run, and give what they show (pingouin-style examples that cannot rot)."""

import ast
import doctest
import importlib
import inspect
import pkgutil
import textwrap

import numpy as np
import pandas as pd
import pytest

import vitality

MODULES = sorted(m.name for m in pkgutil.walk_packages(vitality.__path__, "vitality.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "pd": pd},
                             optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples of {name} fail"


def test_there_are_examples_to_run():
    attempted = sum(doctest.testmod(importlib.import_module(n), extraglobs={"np": np, "pd": pd},
                                    optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS).attempted
                    for n in MODULES)
    assert attempted >= 20


# --- every public function and class of the generic layer is documented, pingouin-style ------------------------

GENERIC = sorted(m.name for m in pkgutil.iter_modules(vitality.__path__, "vitality.")
                 if m.name not in ("vitality.__main__", "vitality.siis"))


def _section(doc: str, *names: str) -> bool:
    lines = doc.splitlines()
    return any(a.strip() in names and set(b.strip()) == {"-"} for a, b in zip(lines, lines[1:]))


def _returns_something(func) -> bool:
    """A return annotation other than None, or a ``return <value>`` / ``yield`` in the function's own body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    node = tree.body[0]
    if node.returns is not None:
        return not (isinstance(node.returns, ast.Constant) and node.returns.value in (None, "None"))
    todo = list(node.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(n, ast.Return) and n.value is not None and not (
                isinstance(n.value, ast.Constant) and n.value.value is None):
            return True
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        todo.extend(ast.iter_child_nodes(n))
    return False


def _missing_sections(obj) -> list:
    doc = inspect.getdoc(obj) or ""
    missing = []
    try:
        params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    except (TypeError, ValueError):
        params = []
    if params and not _section(doc, "Parameters"):
        missing.append("Parameters")
    if inspect.isfunction(obj) and _returns_something(obj) and not _section(doc, "Returns", "Yields"):
        missing.append("Returns")
    if not _section(doc, "Examples"):
        missing.append("Examples")
    return missing


def _undocumented(name: str) -> list:
    module = importlib.import_module(name)
    out = []
    for attr in getattr(module, "__all__", ()):
        obj = getattr(module, attr)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", None) == name:
            missing = _missing_sections(obj)
            if missing:
                out.append(f"{attr}: no {', '.join(missing)}")
    return out


@pytest.mark.parametrize("name", GENERIC)
def test_public_functions_of_the_generic_layer_have_parameters_returns_and_examples(name):
    problems = _undocumented(name)
    assert not problems, f"{name}: " + "; ".join(problems)


def test_the_docstring_check_catches_what_it_should():
    def documented(x):
        """Double.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int
            Twice ``x``.

        Examples
        --------
        >>> documented(2)
        4
        """
        return 2 * x

    def bare(x):
        """Double."""
        return 2 * x

    def side_effect(x) -> None:
        """Print.

        Parameters
        ----------
        x : int
            A number.

        Examples
        --------
        >>> side_effect(1)
        1
        """
        print(x)

    assert _missing_sections(documented) == []
    assert _missing_sections(bare) == ["Parameters", "Returns", "Examples"]
    assert _missing_sections(side_effect) == []
