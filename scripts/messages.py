#!/usr/bin/env python
"""The Dutch catalog, locale/nl/LC_MESSAGES/django.po, made from the sources (`make messages`).

    .venv/bin/python scripts/messages.py                                  # extract, fill, compile
    .venv/bin/python scripts/messages.py --extract-only --locale-dir DIR  # only extract, into DIR/nl/…

Portero's strings are written in Dutch, the site's only language, so each translation of one of them is the
string itself: after makemessages every entry gets msgstr = msgid. A few of the strings our templates use are
Django's own (the admin's "Home", "Show all" in templates/admin/): those keep Django's Dutch, as this catalog
comes first. The strings Django and the libraries leave untranslated at our pinned versions are translated by
hand in locale/nl/libraries.po and copied into the catalog after each run (makemessages does not see the
libraries, so it would drop them). The labels of the iWlz code lists are data in aanvragen/choices.py, which
makemessages cannot read: they are added from aanvragen.choices.CODE_LISTS. Then compilemessages.
Needs GNU gettext (xgettext, msgmerge, msgfmt) and polib (requirements-test.txt).
"""

# ruff: noqa: S603 - runs this project's manage.py with fixed arguments
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
CATALOG = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
LIBRARIES = LOCALE / "nl" / "libraries.po"
# Not Portero's sources: the virtualenv, run-time files, tests, collected static files.
IGNORED = [".venv", "var", "node_modules", "tests", "staticfiles", ".git", ".ruff_cache"]
MAKEMESSAGES = ["makemessages", "--locale", "nl", "--no-location", "--no-obsolete", "--no-wrap"]


def manage(*args: str, cwd: Path) -> None:
    # The local settings (DJANGO_DEBUG=1) need no secrets; LOCALE_PATHS is all these commands read of them.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portero.settings", "DJANGO_DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, env=env, check=True)


def ignore_options() -> list[str]:
    return [option for name in IGNORED for option in ("--ignore", name)]


def extract_into(locale_dir: Path) -> Path:
    """makemessages on a copy of the sources without a catalog: DIR/nl/LC_MESSAGES/django.po holds exactly the
    strings the sources use today, none translated. The repository's own catalog is not touched."""
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / "portero"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, "locale"), symlinks=True)
        (copy / "locale").mkdir()
        manage(*MAKEMESSAGES, *ignore_options(), cwd=copy)
        target = locale_dir / "nl" / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po", target / "django.po")
    return target / "django.po"


def translations_elsewhere():
    """The Dutch of Django and the installed apps without this catalog: what a string reads if it is not here."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "portero.settings", "DJANGO_DEBUG": "1"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import override_settings
    from django.utils.translation.trans_real import DjangoTranslation

    with override_settings(LOCALE_PATHS=[]):
        return DjangoTranslation("nl")


def fill(catalog: polib.POFile, libraries: polib.POFile, elsewhere) -> None:
    """Each of Portero's strings translated by itself, one that Django translates as Django does; the hand-made
    library translations added back."""
    for entry in catalog:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            plural = f"{entry.msgctxt}\x04{entry.msgid_plural}" if entry.msgctxt else entry.msgid_plural
            one, other = elsewhere.ngettext(key, plural, 1), elsewhere.ngettext(key, plural, 2)
            known = (one, other) != (key, plural)
            entry.msgstr_plural = {0: one, 1: other} if known else {0: entry.msgid, 1: entry.msgid_plural}
        else:
            translated = elsewhere.gettext(key)
            entry.msgstr = translated if translated != key else entry.msgid
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    for library_entry in libraries:
        entry = catalog.find(library_entry.msgid, msgctxt=library_entry.msgctxt)
        if entry is None:
            catalog.append(library_entry)
        else:
            entry.msgstr, entry.msgstr_plural = library_entry.msgstr, library_entry.msgstr_plural


def add_code_list_labels(catalog: polib.POFile) -> None:
    """The labels of the code lists (aanvragen.choices.CODE_LISTS), each translated by itself. Needs django.setup()
    (translations_elsewhere runs it)."""
    from django.utils import translation

    from aanvragen.choices import CODE_LISTS

    for choices in CODE_LISTS:
        for label in choices.labels:
            with translation.override(None):  # the msgid itself
                msgid = str(label)
            if catalog.find(msgid) is None:
                catalog.append(polib.POEntry(msgid=msgid, msgstr=msgid, comment=f"iWlz code list {choices.__name__}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extract-only", action="store_true", help="only run makemessages on a copy")
    parser.add_argument("--locale-dir", type=Path, help="with --extract-only: where to write nl/LC_MESSAGES/")
    options = parser.parse_args()
    if options.extract_only:
        extract_into(options.locale_dir or Path(tempfile.mkdtemp()))
        return
    manage(*MAKEMESSAGES, *ignore_options(), cwd=ROOT)
    catalog = polib.pofile(str(CATALOG), wrapwidth=0)
    catalog.header = (
        "Portero's Dutch catalog, made by `make messages` (scripts/messages.py): do not edit by hand.\n"
        "Portero's own strings are Dutch and translated by themselves; translations of library strings\n"
        "are kept in locale/nl/libraries.po."
    )
    # Only what the catalog needs, so that a run with no new string leaves the file as it was.
    catalog.metadata = {
        "Language": "nl",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    fill(catalog, polib.pofile(str(LIBRARIES)), translations_elsewhere())
    add_code_list_labels(catalog)
    catalog.save()
    manage("compilemessages", "--locale", "nl", *ignore_options(), cwd=ROOT)


if __name__ == "__main__":
    main()
