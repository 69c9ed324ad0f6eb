"""Security headers on every response, and no inline script or style anywhere in the templates (CSP)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.conftest import login_client
from tests.security.test_url_sweep import concrete, walk

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_security_headers(response, url):
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, url
    assert response.get("X-Frame-Options") == "DENY", url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") == "same-origin", url


def test_every_response_of_every_url_carries_the_security_headers(client, admin_a, world_b):
    """Pages, redirects, 403s and 404s alike; anonymous and logged in."""
    for http in (client, login_client(Client(), admin_a)):
        for _name, route in walk(get_resolver()):
            url = concrete(route, world_b)
            assert_security_headers(http.get(url), url)
    assert_security_headers(client.get("/bestaat-niet/"), "/bestaat-niet/")


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
