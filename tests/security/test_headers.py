"""Security headers on every response, and no inline script or style anywhere in the templates (CSP)."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_security_headers_on_the_login_page(client):
    response = client.get("/inloggen/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_pages_with_personal_data_are_not_cached(client, client_as, admin_a):
    client_as(admin_a)
    for url in ("/", "/beheer/gebruikers/", "/aanvragen/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>"
    assert not re.search(r"\sstyle=\"", text), "inline style attribute"
    assert not re.search(r"\son[a-z]+=\"", text), "inline event handler"
