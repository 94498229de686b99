"""The docstring examples of every module run, and give what they show (pingouin-style examples that cannot rot)."""

import doctest
import importlib
import pkgutil

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
