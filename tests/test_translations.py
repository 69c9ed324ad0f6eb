"""Every label goes through Django's translation: no Dutch text in a template outside {% translate %} or
{% blocktranslate %}, and the committed Dutch catalog holds every string makemessages finds, each with a
translation (so `make messages` has been run)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in (".html", ".txt"))

# Markup, scripts and styles, comments, and character references carry no label.
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&#?\w+;", re.S | re.I)
_HTML_PIECE = re.compile(r"(<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
# Attributes a person reads (a tooltip, a screen reader's name, an image's text, an empty field's hint).
_LABEL_ATTRIBUTE = re.compile(r"""\b(?:title|alt|placeholder|aria-label)\s*=\s*(["'])(.*?)\1""", re.S | re.I)
_LETTER = re.compile(r"[^\W\d_]")
# Blocks of the admin's templates whose content is a CSS class list, not text.
_CLASS_BLOCKS = {"bodyclass"}


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) for each piece of readable text outside the translation tags.

    The template is lexed as Django does; the text tokens outside {% translate %}, {% blocktranslate %} and
    {% comment %} are kept, every other token becomes a NUL, so a tag, a variable or a translated label never
    counts as text. Of what is left, the text between the HTML tags and the label attributes are searched.
    """
    kept, inside = [], []  # inside: the open blocks, True for one whose text is no label
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name, *args = token.split_contents()
            if name in ("blocktranslate", "blocktrans", "comment", "block"):
                inside.append(name != "block" or args[0] in _CLASS_BLOCKS)
            elif name in ("endblocktranslate", "endblocktrans", "endcomment", "endblock") and inside:
                inside.pop()
        if token.token_type == TokenType.TEXT and not any(inside):
            kept.append(token.contents)
        else:
            kept.append("\0" + "\n" * token.contents.count("\n"))
    text = "".join(kept)
    found = []
    for match in _LABEL_ATTRIBUTE.finditer(text):
        if _LETTER.search(match.group(2)):
            found.append((text.count("\n", 0, match.start()) + 1, match.group(2).strip()))
    position = 0
    for piece in _HTML_PIECE.split(text):
        readable = "" if piece.startswith("<") else _MARKUP.sub("", piece).replace("\0", " ")
        if _LETTER.search(readable):
            found.append((text.count("\n", 0, position) + 1, " ".join(readable.split())))
        position += len(piece)
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_a_template_has_no_label_outside_the_translation_tags(template):
    assert untranslated_text(template.read_text()) == []


def test_the_scan_sees_text_and_label_attributes_and_passes_translated_ones():
    source = (
        '{% load i18n %}<h1 title="Uitleg">Inloggen</h1>'
        '<p>{% translate "Wachtwoord" %}</p><img alt="{% translate "Logo" %}">'
        "{% blocktranslate %}Hallo {{ naam }}{% endblocktranslate %}{% comment %}notitie{% endcomment %}"
        "<style>p { color: red }</style>&nbsp;{{ value }}{% block bodyclass %}wide{% endblock %}"
        "{% block content %}Tekst{% endblock %}"
    )
    assert untranslated_text(source) == [(1, "Uitleg"), (1, "Inloggen"), (1, "Tekst")]


def test_makemessages_finds_no_string_missing_from_the_catalog_or_untranslated(tmp_path):
    polib = pytest.importorskip("polib")
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        pytest.skip("GNU gettext (xgettext, msguniq) is not installed; .ci/run installs Debian's gettext")
    committed = polib.pofile(str(ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    fresh = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "messages.py"), "--extract-only", "--locale-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fresh.returncode == 0, fresh.stderr
    extracted = polib.pofile(str(tmp_path / "nl" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}
    missing = [entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known]
    assert missing == [], "run `make messages`: strings not in locale/nl"
    empty = [entry.msgid for entry in committed if not entry.obsolete and not entry.translated()]
    assert empty == [], "strings without a translation in locale/nl"


def test_every_label_of_a_code_list_is_in_the_catalog():
    """The iWlz code lists are data (aanvragen.choices.code_list), unseen by makemessages: `make messages` adds
    their labels from aanvragen.choices.CODE_LISTS."""
    polib = pytest.importorskip("polib")
    from django.utils import translation

    from aanvragen.choices import CODE_LISTS

    committed = polib.pofile(str(ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    known = {entry.msgid for entry in committed if entry.translated()}
    with translation.override(None):
        labels = [str(label) for choices in CODE_LISTS for label in choices.labels]
    assert len(CODE_LISTS) >= 5 and len(labels) > 100
    assert [label for label in labels if label not in known] == []
