"""Fakes over mocks (the house style): no test imports ``unittest.mock`` or uses its mocks.

Every Python file under ``tests/`` is parsed (not imported) and its syntax tree searched for
an import of ``unittest.mock``, ``mock`` or ``pytest_mock``, any mention of ``Mock``,
``MagicMock``, ``AsyncMock`` (and the rest of that family), ``patch`` used as a call or a
decorator (``patch(...)``, ``@patch.object(...)``, ``mock.patch(...)``), and the
``mocker`` fixture of pytest-mock. pytest's own ``monkeypatch`` is allowed: it sets a real
value for a test, it fakes nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
MOCK_MODULES = ("unittest.mock", "mock", "pytest_mock")
MOCK_NAMES = frozenset(
    {
        "Mock",
        "MagicMock",
        "AsyncMock",
        "NonCallableMock",
        "NonCallableMagicMock",
        "PropertyMock",
        "create_autospec",
        "ThreadingMock",
    }
)


def _is_mock_module(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in MOCK_MODULES)


def _dotted(node: ast.expr) -> str:
    """``a.b.c`` for a chain of names and attributes; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def _is_patch(node: ast.expr, bound: set[str]) -> bool:
    """``mock.patch``, ``unittest.mock.patch.dict``, or ``patch`` / ``patch.object`` when
    ``patch`` is not a name of the file's own (``with pytest.MonkeyPatch.context() as
    patch`` is fine)."""
    parts = _dotted(node).split(".")
    if "patch" not in parts:
        return False
    return parts[0] in {"mock", "unittest"} or (parts[0] == "patch" and "patch" not in bound)


def _bound_names(tree: ast.AST) -> set[str]:
    """Names the file binds itself: assignments, ``with ... as``, parameters, definitions,
    and imports from anywhere but a mock module."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.ImportFrom) and not _is_mock_module(node.module or ""):
            bound |= {a.asname or a.name for a in node.names}
    return bound


def mock_uses(source: str, filename: str = "<test>") -> list[str]:
    """Each place ``source`` imports or uses a mock, as ``line: what``."""
    found = []
    tree = ast.parse(source, filename)
    bound = _bound_names(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"{line}: import {a.name}" for a in node.names if _is_mock_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if _is_mock_module(module) or (module == "unittest" and "mock" in names):
                found.append(f"{line}: from {module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Name) and node.id in MOCK_NAMES:
            found.append(f"{line}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in MOCK_NAMES:
            found.append(f"{line}: .{node.attr}")
        elif isinstance(node, ast.Attribute) and _dotted(node) == "unittest.mock":
            found.append(f"{line}: unittest.mock")
        elif isinstance(node, ast.Call) and _is_patch(node.func, bound):
            found.append(f"{line}: {_dotted(node.func)}(...)")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if _is_patch(target, bound):
                    found.append(f"{line}: @{_dotted(target)}")
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            found += [f"{line}: the mocker fixture" for a in arguments if a.arg == "mocker"]
    return found


def _test_sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_test_imports_or_uses_a_mock() -> None:
    offenders = {
        str(path.relative_to(TESTS.parent)): uses
        for path in _test_sources()
        if (uses := mock_uses(path.read_text(encoding="utf-8"), str(path)))
    }
    assert not offenders, f"use a fake instead (see tests/fakes): {offenders}"
    assert len(_test_sources()) > 50  # the scan did look at the suite


@pytest.mark.parametrize(
    "source",
    [
        "import unittest.mock",
        "import unittest.mock as um",
        "from unittest import mock",
        "from unittest.mock import AsyncMock",
        "import mock",
        "from pytest_mock import MockerFixture",
        "import unittest\nunittest.mock.sentinel",
        "thing = MagicMock(spec=object)",
        "thing = helpers.AsyncMock()",
        "with patch('bot.engine.Engine.handle'):\n    pass",
        "with patch.object(Engine, 'handle'):\n    pass",
        "with mock.patch.dict('os.environ', {}):\n    pass",
        "@patch('bot.app.open_runtime')\ndef test_x(opened):\n    pass",
        "@mock.patch.object(Engine, 'handle')\nasync def test_x(handle):\n    pass",
        "def test_x(mocker):\n    pass",
        "from unittest.mock import patch as p\n@p('x')\ndef test_x(y):\n    pass",
    ],
)
def test_the_scan_catches_each_way_of_mocking(source: str) -> None:
    assert mock_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "def test_x(monkeypatch):\n    monkeypatch.setattr('os.sep', '/')",
        "fake.requests_to('PATCH', '/channels/1/messages/2')",
        "async def patched(room):\n    pass",
        "text = 'MagicMock is not used here'",
        "with pytest.MonkeyPatch.context() as patch:\n    patch.setattr('os.sep', '/')",
    ],
)
def test_the_scan_lets_fakes_and_pytest_monkeypatch_be(source: str) -> None:
    assert mock_uses(source) == []
