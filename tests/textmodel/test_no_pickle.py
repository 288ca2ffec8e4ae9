"""A model is data: the package never unpickles, never talks to the network, and runs
without scikit-learn or numpy installed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bot.packed
import bot.textmodel

PACKAGE = Path(bot.textmodel.__file__).parent
# The package, and the packed cache its models are read back from between starts.
SOURCES = [*sorted(PACKAGE.glob("*.py")), Path(bot.packed.__file__)]
NEVER = {"pickle", "_pickle", "cPickle", "joblib", "cloudpickle", "dill", "shelve", "marshal"}
OFFLINE = {"socket", "ssl", "http", "urllib", "requests", "httpx", "aiohttp", "ftplib", "smtplib"}
TRAINING_ONLY = {"sklearn", "numpy", "scipy"}


def _imports(path: Path) -> set[str]:
    """The top-level name of every module ``path`` imports, anywhere in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif _is_dynamic_import(node):
            names.add("(dynamic import)")
    return names


def _is_dynamic_import(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return getattr(node.func, "attr", "") == "import_module"
    return isinstance(node, ast.Name) and node.id in {"__import__", "exec", "eval"}


def test_the_sources_are_all_scanned() -> None:
    names = {p.name for p in SOURCES}
    assert names >= {"__init__.py", "features.py", "model.py", "train.py", "packed.py"}


def test_no_module_imports_a_pickle_loader_or_the_network() -> None:
    for path in SOURCES:
        found = _imports(path) & (NEVER | OFFLINE | {"(dynamic import)"})
        assert not found, f"{path.name} imports {sorted(found)}"


def test_the_runtime_modules_need_no_training_library() -> None:
    for path in SOURCES:
        if path.name != "train.py":
            assert not _imports(path) & TRAINING_ONLY, path.name


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import joblib\n    from pickle import loads\n")
    assert _imports(probe) == {"joblib", "pickle"}


def test_importing_the_package_loads_no_training_library() -> None:
    code = (
        "import sys, bot.textmodel.model, bot.textmodel.train, bot.textmodel.features\n"
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy', 'pickle', 'joblib')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
