"""The runtime package holds the runtime: nothing under bot/ is tooling, and
nothing under bot/ or actions/ imports the tools package."""

import ast

from tests.support import ROOT

TOOLING_WORDS = ("benchmark", "evaluation", "eval_report", "report", "bootstrap", "supervisor", "stack", "training")


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def runtime_files():
    return [*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]


def test_no_tooling_module_under_bot():
    for path in (ROOT / "bot").rglob("*.py"):
        assert path.stem not in TOOLING_WORDS, path


def test_runtime_never_imports_tooling():
    for path in runtime_files():
        for module in imported_modules(path):
            assert module != "tools" and not module.startswith("tools."), (path, module)


def test_actions_build_nothing_at_import_time():
    """Actions are thin: module level holds only imports, constants and classes."""
    for path in (ROOT / "actions").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign):
                assert isinstance(node.value, (ast.Constant, ast.Dict, ast.Set, ast.Tuple, ast.List)), (
                    path, ast.unparse(node))


def test_tests_do_not_import_each_other_or_conftest():
    for path in (ROOT / "tests").rglob("*.py"):
        if "support" in path.parts:
            continue
        for module in imported_modules(path):
            if module.startswith("tests"):
                assert module.startswith("tests.support"), (path, module)
