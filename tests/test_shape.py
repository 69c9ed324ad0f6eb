"""The shape ARCHITECTURE.md describes, held: modules small enough to read, the apps' dependencies in one
direction, and a repository that explains itself (no pointer to a document or an issue it does not hold)."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "orgadmin", "aanvragen", "portero")
MAX_LINES = 500


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", list(app_modules()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_of_the_apps_is_longer_than_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_accounts_depends_on_no_other_app():
    """aanvragen and orgadmin build on accounts, never the other way round (the audit log finds the other apps'
    actions through the app registry, not through an import)."""
    for path in (ROOT / "accounts").rglob("*.py"):
        imports = imported_modules(path)
        assert not {name for name in imports if name.split(".")[0] in ("aanvragen", "orgadmin")}, path


def test_admin_and_services_do_not_import_views():
    for path in app_modules():
        if path.parent.name in ("admin", "services") or path.stem in ("admin", "services", "selectors", "tasks"):
            assert not {name for name in imported_modules(path) if name.endswith(".views")}, path


OUTSIDE_REFERENCE = re.compile(r"DOMAIN\.md|DOMAIN §|TESTING-NOTES|\bissue \d+|\bshared/", re.IGNORECASE)


def test_no_comment_points_to_a_document_outside_the_repository():
    files = [*app_modules(), *(ROOT / "templates").rglob("*.html"), *(ROOT / "docs").glob("*.md")]
    files += [
        ROOT / "README.md",
        ROOT / "ARCHITECTURE.md",
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "bench").glob("*.py"),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        if path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE_REFERENCE.search(line)
    ]
    assert not found


def test_the_types_a_profile_allows_are_read_in_one_place():
    """PROFILE_AANVRAAGSOORTEN is declared in aanvragen/choices.py and read only by
    aanvragen.selectors.aanvraagsoorten_allowed; the beheer site and the services ask that selector."""
    readers = {
        str(path.relative_to(ROOT))
        for path in app_modules()
        if "PROFILE_AANVRAAGSOORTEN" in path.read_text(encoding="utf-8")
    }
    assert readers == {"aanvragen/choices.py", "aanvragen/selectors.py"}
    asking = {
        str(path.relative_to(ROOT))
        for path in app_modules()
        if "aanvraagsoorten_allowed(" in path.read_text(encoding="utf-8")
    }
    assert {"orgadmin/views.py", "aanvragen/services/aanvraag.py"} <= asking


def test_every_file_and_function_architecture_md_names_exists():
    """ARCHITECTURE.md sends a newcomer to files (and `file::name`): each one is there, and so is the name in it."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = re.findall(r"`((?:[a-z_]+/)+[a-z_0-9]+\.(?:py|html|md))(?:::(\w+))?`", text)
    assert len(named) > 20
    missing = []
    for path, name in named:
        # A path of each app ("each app's `migrations/0001_initial.py`") is found in every app that has one.
        files = [ROOT / path] if (ROOT / path).is_file() else [p for app in APPS if (p := ROOT / app / path).is_file()]
        if not files or (name and not all(re.search(rf"\b{name}\b", file.read_text("utf-8")) for file in files)):
            missing.append(f"{path}::{name}" if name else path)
    assert not missing
