"""The README's two commands are the ones CI and users run."""

import re

from vitality.siis import paths

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)


def test_readme_starts_with_the_two_commands():
    main, test = COMMANDS[0], COMMANDS[1]
    assert "python -m vitality reproduce" in main and "pip install" in main
    assert "python -m pytest" in test and "pip install" in test
    head = README.split("## ")[0]
    assert main in head and test in head


def test_ci_runs_exactly_the_readme_test_command():
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert COMMANDS[1] in ci, "the last command of .ci/run must be the README's test command verbatim"
