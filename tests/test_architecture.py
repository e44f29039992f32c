"""The architecture is a test: the import contracts in ``.importlinter`` (layers of rooms,
the IVR's inner layers, a protocol layer free of the web, plugins through ``app.api`` only,
nothing importing the public self-service room, no cycles) hold for the code as it is, and
each one catches the import it forbids."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = {
    "layers": "No room imports a room above it",
    "ivr": "The IVR: pages over the simulator",
    "protocol": "The FastAGI protocol layer knows sockets and pyst2",
    "plugins": "Plugins import PostLine only through app.api",
    "selfservice": "Nothing imports the self-service room",
    "cycles": "No import cycles between the modules of any package",
}


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"import-linter is not installed beside {sys.executable} (pip install -e '.[test]')")
    return subprocess.run([str(LINT_IMPORTS), "--config", str(tree / ".importlinter"), "--no-cache"],
                          cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def verdicts(output: str) -> dict[str, str]:
    """Contract key → KEPT or BROKEN, read from lint-imports' report (names wrap at 80)."""
    flat = " ".join(output.split())
    found = {}
    for key, name in CONTRACTS.items():
        start = flat.find(name)
        assert start >= 0, f"contract {name!r} is not in the report:\n{output}"
        rest = flat[start:]
        kept, broken = rest.find(" KEPT"), rest.find(" BROKEN")
        candidates = [(i, word) for i, word in ((kept, "KEPT"), (broken, "BROKEN")) if i >= 0]
        found[key] = min(candidates)[1]
    return found


def test_the_code_keeps_every_contract():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(verdicts(done.stdout).values()) == {"KEPT"}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the sources to break on purpose."""
    for name in ("app", "plugins"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "translations", "templates", "static"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_each_contract_catches_what_it_forbids(tree):
    _append(tree / "app" / "auth" / "roles.py", "from app.web import nav  # upward: auth below web")
    _append(tree / "app" / "ivr" / "masking.py", "from app.ivr import call  # the call uses masking")
    _append(tree / "app" / "ivr" / "agi" / "io.py", "import flask  # the protocol knows no web")
    _append(tree / "plugins" / "postcode" / "search.py", "from app.auth.models import User  # past app.api")
    _append(tree / "app" / "calendars" / "hours.py", "from app.calendars import opening  # a cycle")
    _append(tree / "app" / "api.py", "from app.selfservice import intake  # the public room is a leaf")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert verdicts(done.stdout) == {key: "BROKEN" for key in CONTRACTS}, done.stdout
    assert "app.auth.roles -> app.web.nav" in done.stdout
    assert "plugins.postcode.search -> app.auth.models" in done.stdout
