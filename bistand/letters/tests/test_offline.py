"""Letters are made offline: only the app's own files are read, anything else stops the PDF."""

from __future__ import annotations

import socket

import pytest

from bistand.letters import services
from bistand.letters.pdf import FONT_DIR, STATIC_DIR, LocalFilesOnly, ResourceRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a letter tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1:8000/static/letters/letter.css",
        "ftp://example.org/font.ttf",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / ".." / "models.py").as_uri(),
        STATIC_DIR.as_uri() + "/../../models.py",
        "file://example.org" + str(FONT_DIR / "DejaVuSans.ttf"),
        (FONT_DIR / "missing.ttf").as_uri(),
    ],
)
def test_fetcher_refuses_everything_but_the_apps_own_files(url, no_network):
    with pytest.raises(ResourceRefused):
        LocalFilesOnly().fetch(url)


def test_fetcher_serves_the_apps_fonts(no_network):
    response = LocalFilesOnly().fetch((FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert response.content_type == "font/ttf"


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="https://example.org/logo.png" alt="Kommunens logotyp">',
        '<link rel="stylesheet" href="https://cdn.example.org/letter.css">',
        '<style>@import url("https://cdn.example.org/letter.css");</style>',
        '<style>body { background: url("http://example.org/bg.png"); }</style>',
        '<style>@font-face { font-family: X; src: url("https://fonts.example.org/x.woff2"); }'
        "h1 { font-family: X; }</style>",
        '<img src="file:///etc/hostname" alt="">',
    ],
)
def test_a_template_referencing_anything_else_is_refused(caseworker_decision, markup, no_network):
    html = services.render_html(caseworker_decision).replace("</main>", markup + "</main>")
    with pytest.raises(ResourceRefused):
        services.render_pdf(html)


def test_the_html_has_no_external_urls_and_is_accessible(caseworker_decision):
    html = services.render_html(caseworker_decision)

    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in html
    assert "http://" not in html
    assert "https://" not in html
    assert "<link" not in html
    assert "<script" not in html
    assert html.count("<h1>") == 1
    for heading in ("Beslut", "Motivering", "Vem har fattat beslutet", "Så överklagar du"):
        assert f">{heading}</h2>" in html
    assert "<caption>Beslutet punkt för punkt</caption>" in html
    assert '<th scope="col">Vad ansökan gäller</th>' in html
    assert '<th scope="row">Försörjningsstöd för april 2025</th>' in html
