"""The generic library stands on its own: it never imports the report layer, its imports form no cycle,
no private name crosses a module boundary, and importing it loads none of the notebook stack."""

import ast
import subprocess
import sys
from pathlib import Path

import vitality

PACKAGE = Path(vitality.__file__).resolve().parent
GENERIC = sorted(p for p in PACKAGE.glob("*.py"))
ALL = sorted(PACKAGE.rglob("*.py"))


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(imported module, [names], lineno, at top level?) for every import of ``path``, resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mod = _module(path)
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, [], node.lineno, id(node) in top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            yield name, [a.name for a in node.names], node.lineno, id(node) in top


def test_generic_modules_never_import_the_report_layer():
    bad = [(p.name, n, line) for p in GENERIC for n, _, line, _ in _imports(p) if n and n.startswith("vitality.siis")]
    assert not bad, f"generic modules import vitality.siis: {bad}"


def test_no_private_name_is_imported_across_modules():
    bad = [(_module(p), n, names, line) for p in ALL for n, names, line, _ in _imports(p)
           if n and n.startswith("vitality") and any(x.startswith("_") and not x.startswith("__") for x in names)]
    assert not bad, f"private names imported across modules: {bad}"


def test_the_package_imports_form_no_cycle():
    graph = {}
    for p in ALL:
        deps = set()
        for n, names, _, top in _imports(p):
            if not (n and n.startswith("vitality")) or not top:
                continue
            deps.add(n)
            deps.update(f"{n}.{x}" for x in names)     # `from . import data` names a module
        graph[_module(p)] = {d for d in deps if d != _module(p)}
    modules = set(graph)
    graph = {m: {d for d in ds if d in modules and d != "vitality"} for m, ds in graph.items()}
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert not cycles, f"import cycles: {cycles}"


def test_importing_the_library_loads_no_notebook_stack():
    code = ("import sys, importlib, pkgutil, vitality\n"
            "for m in pkgutil.iter_modules(vitality.__path__, 'vitality.'):\n"
            # vitality.jitloops is numba's (which reads its config with yaml), loaded only by vitality.jit.kernels
            "    if m.name not in ('vitality.__main__', 'vitality.siis', 'vitality.jitloops'):\n"
            "        importlib.import_module(m.name)\n"
            "heavy = [m for m in ('vitality.siis', 'papermill', 'jupyterlab', 'ipywidgets', 'seaborn', 'yaml', 'IPython',\n"
            "                     'numba')\n"
            "         if m in sys.modules]\n"
            "print(','.join(heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing the generic library loads {out}"


def test_the_package_docstrings_map_every_module():
    import pkgutil

    import vitality.siis

    unmapped = [m.name for pkg in (vitality, vitality.siis)
                for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + ".")
                if m.name not in (pkg.__doc__ or "") and m.name not in ("vitality.__main__", "vitality.siis")]
    assert not unmapped, f"modules missing from the module map of vitality/__init__.py or vitality/siis/__init__.py: {unmapped}"
