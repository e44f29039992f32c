"""The contract with plugins keeps its promises (Datasette's test_docs habit): every hookspec
is explained in ``docs/plugin_hooks.md`` and tested end to end in ``tests/test_hooks.py``;
the documentation describes no hook that does not exist; plugins reach the core through
``app.api`` only, and every name that facade promises is there.

These tests read files and need no app (no database)."""
from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from app import api, declarations, hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plugin_hooks.md"
HOOK_TESTS = ROOT / "tests" / "test_hooks.py"
#: Folders holding plugins, whose code may import from ``app.api`` only.
PLUGIN_FOLDERS = ("plugins", "examples")
#: Not source: build output, installed metadata, caches.
SKIPPED_FOLDERS = {"build", "dist", "__pycache__", ".venv", "venv", ".tox", ".eggs"}
#: PostLine's pytest plugin (fixtures, ``submit``) is for plugin authors' tests.
TEST_ONLY_MODULES = {"app.testing"}


def _hookspec_names() -> list[str]:
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return sorted(name for name, obj in vars(hookspecs).items()
                  if inspect.isfunction(obj) and hasattr(obj, marker))


HOOKSPECS = _hookspec_names()


def test_there_are_hookspecs_to_check():
    assert len(HOOKSPECS) >= 10
    assert all(name.startswith("postline_") for name in HOOKSPECS)


def _documented_hooks() -> list[str]:
    return re.findall(r"^## (postline_\w+)\s*$", DOC.read_text(encoding="utf-8"), re.MULTILINE)


def _hook_tests() -> set[str]:
    tree = ast.parse(HOOK_TESTS.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("hook", HOOKSPECS)
def test_hook_is_documented(hook):
    assert hook in _documented_hooks(), f"docs/plugin_hooks.md needs a section '## {hook}'"


@pytest.mark.parametrize("hook", HOOKSPECS)
def test_hook_is_tested(hook):
    assert f"test_hook_{hook}" in _hook_tests(), f"tests/test_hooks.py needs test_hook_{hook}"


@pytest.mark.parametrize("hook", HOOKSPECS)
def test_hookspec_has_a_docstring(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook))
    assert doc and doc.strip(), f"app/hookspecs.py: {hook} needs a docstring"


#: What each hook returns. A new hook must be added here, so that its section is checked
#: for every field of its declaration.
HOOK_DECLARATIONS = {
    "postline_permissions": declarations.Permission,
    "postline_nav_items": declarations.NavItem,
    "postline_blueprints": declarations.PluginBlueprint,
    "postline_agent_forms": declarations.AgentForm,
    "postline_reports": declarations.Report,
    "postline_ivr_nodes": declarations.IVRNode,
    "postline_jobs": declarations.Job,
    "postline_settings": declarations.Setting,
    "postline_customer_timeline": declarations.TimelineEntry,
    "postline_cli_commands": declarations.CliCommand,
    "postline_prompts": declarations.Prompt,
    "postline_demo_data": declarations.DemoData,
    "postline_call_ended": None,  # an event: returns nothing
    "postline_call_surveyed": None,
    "postline_knowledge_articles": declarations.Article,
    "postline_notifiers": declarations.Notifier,
    "postline_ticket_types": declarations.TicketType,
    "postline_ticket_changed": None,
    "postline_postcode_for_address": declarations.PostcodeAnswer,  # firstresult: one answer or None
    "postline_voicemail_left": None,
    "postline_voicemail_links": declarations.TimelineEntry,
    "postline_ami_event": None,
    "postline_queue_log_added": None,
    "postline_screen_pop": declarations.ScreenPopPanel,
}


def _is_firstresult(hook: str) -> bool:
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return bool(getattr(getattr(hookspecs, hook), marker).get("firstresult"))


def _section(hook: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {hook}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


@pytest.mark.parametrize("hook", HOOKSPECS)
def test_hook_section_documents_arguments_and_declaration_fields(hook):
    assert hook in HOOK_DECLARATIONS, f"add {hook} to HOOK_DECLARATIONS"
    section = _section(hook)
    for argument in inspect.signature(getattr(hookspecs, hook)).parameters:
        assert f"`{argument}`" in section, f"{hook}: argument {argument!r} is not documented"
    declaration = HOOK_DECLARATIONS[hook]
    if declaration is None:
        assert "**Returns** nothing" in section, f"{hook}: say that an event returns nothing"
        return
    assert f"`{declaration.__name__}`" in section
    for field in dataclasses.fields(declaration):
        if field.name != "plugin":  # filled in by collect(), described once for all hooks
            assert f"`{field.name}`" in section, f"{hook}: field {field.name!r} is not documented"


@pytest.mark.parametrize("hook", HOOKSPECS)
def test_hookspecs_are_typed_with_their_declaration(hook):
    declaration = HOOK_DECLARATIONS.get(hook)
    returns = inspect.signature(getattr(hookspecs, hook)).return_annotation
    expected = "None" if declaration is None else f"list[{declaration.__name__}]"
    if declaration is not None and _is_firstresult(hook):
        expected = f"{declaration.__name__} | None"
    assert returns == expected, f"app/hookspecs.py: {hook} should return {expected}"


def test_documentation_describes_only_existing_hooks_each_once():
    documented = _documented_hooks()
    assert sorted(set(documented)) == sorted(documented), "a hook is documented twice"
    assert set(documented) <= set(HOOKSPECS), "documented hooks that do not exist"


def test_every_hook_test_is_for_an_existing_hook():
    stale = {name for name in _hook_tests() if name.startswith("test_hook_")} - \
        {f"test_hook_{hook}" for hook in HOOKSPECS}
    assert not stale


# --- plugins import PostLine only through app.api ------------------------------------------

def _python_files() -> list[Path]:
    files = []
    for folder in PLUGIN_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if any(part in SKIPPED_FOLDERS or part.endswith(".egg-info") for part in parts):
                continue
            files.append(path)
    return files


def _is_test_file(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def forbidden_imports(source: str, is_test: bool = False) -> list[str]:
    """The ``app`` modules imported by ``source`` other than ``app.api`` (and, in tests,
    ``app.testing``), as ``line: module``."""
    allowed = {"app.api"} | (TEST_ONLY_MODULES if is_test else set())

    def ok(module: str) -> bool:
        return any(module == name or module.startswith(name + ".") for name in allowed)

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.name == "app" or alias.name.startswith("app.")) and not ok(alias.name):
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "app":
                for alias in node.names:
                    if not ok(f"app.{alias.name}"):
                        found.append(f"{node.lineno}: from app import {alias.name}")
            elif node.module.startswith("app.") and not ok(node.module):
                found.append(f"{node.lineno}: from {node.module} import ...")
    return found


@pytest.mark.parametrize("source, expected", [
    ("from app.api import hookimpl, db", []),
    ("from app import api\nimport app.api", []),
    ("from app.api import db as database", []),
    ("from application.models import X\nimport apps", []),
    ("from .models import Parcel\nfrom . import views", []),
    ("from app.extensions import db", ["1: from app.extensions import ..."]),
    ("import app", ["1: import app"]),
    ("import app.auth.models as m", ["1: import app.auth.models"]),
    ("from app import db", ["1: from app import db"]),
    ("from app import api, plugin_loader", ["1: from app import plugin_loader"]),
    ("def f():\n    from app.plugin_loader import collect", ["2: from app.plugin_loader import ..."]),
    ("from app.testing import submit", ["1: from app.testing import ..."]),
])
def test_the_import_scanner_tells_allowed_from_forbidden(source, expected):
    assert forbidden_imports(source) == expected


def test_plugin_tests_may_also_use_the_testing_helpers():
    assert forbidden_imports("from app.testing import submit", is_test=True) == []
    assert forbidden_imports("from app.plugin_loader import collect", is_test=True) != []


def test_plugins_import_postline_only_through_app_api():
    files = _python_files()
    offences = {
        str(path.relative_to(ROOT)): found
        for path in files
        if (found := forbidden_imports(path.read_text(encoding="utf-8"), _is_test_file(path)))
    }
    assert not offences, f"plugins must import PostLine things from app.api only: {offences}"


# --- the facade ---------------------------------------------------------------------------------

#: What ``app.api`` has promised plugins so far: names are only ever added to it.
PROMISED = {
    "AgentForm", "Audited", "CallRecord", "CliCommand", "Column", "Customer", "DemoData", "IVRNode",
    "Job", "NavItem", "Permission", "PluginBlueprint", "Prompt", "Report", "Setting", "TimelineEntry",
    "User", "add_table_sheet", "audit", "current_user", "db", "get_setting", "has_permission",
    "hookimpl", "local", "neutralise", "permission_required", "public", "table_workbook", "utcnow",
    "Call", "Hangup", "Node", "Param", "Recording", "mask",
    "Article",
    "Delivery", "EmailAddress", "Notifier", "Outgoing", "PhoneNumber", "email_problem", "phone_problem",
    "send_message",
}


def test_the_api_keeps_every_name_it_ever_offered():
    assert PROMISED <= set(api.__all__), f"app.api lost {sorted(PROMISED - set(api.__all__))}"


def test_every_name_in_the_api_exists():
    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert not missing
    assert len(set(api.__all__)) == len(api.__all__)


def test_the_api_offers_every_declaration_and_the_hook_marker():
    declared = {name for name, obj in vars(declarations).items()
                if inspect.isclass(obj) and obj.__module__ == declarations.__name__}
    assert declared <= set(api.__all__)
    assert "hookimpl" in api.__all__ and api.hookimpl is hookspecs.hookimpl
