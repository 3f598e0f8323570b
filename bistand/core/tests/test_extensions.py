"""Panels other apps register on pages they do not own (bistand/core/extensions.py)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from bistand.core import extensions


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(extensions, "_registry", {slot: [] for slot in extensions.SLOTS})
    return extensions


def _render(slot, obj):
    request = RequestFactory().get("/")
    template = Template("{% load extensions %}<div>{% panels slot obj %}</div>")
    return template.render(Context({"request": request, "slot": slot, "obj": obj}))


def test_panels_render_in_order_with_their_context_and_skip_none(registry, tmp_path, settings):
    (tmp_path / "a.html").write_text("<p>A {{ text }} {{ obj }}</p>")
    (tmp_path / "b.html").write_text("<p>B {{ text }}</p>")
    (tmp_path / "c.html").write_text("<p>C never</p>")
    # Assigned, not changed in place: the setting_changed signal resets the template engines.
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    registry.register(registry.CASE, "b.html", lambda r, o: {"text": "<b>"}, order=20)
    registry.register(registry.CASE, "a.html", lambda r, o: {"text": "först"}, order=10)
    registry.register(registry.CASE, "c.html", lambda r, o: None)

    html = _render(registry.CASE, "ärende")

    assert html == "<div><p>A först ärende</p><p>B &lt;b&gt;</p></div>"


def test_registering_again_replaces_and_unknown_slots_are_refused(registry):
    registry.register(registry.MINASIDOR_HOME, "x.html", lambda r, o: {})
    registry.register(registry.MINASIDOR_HOME, "x.html", lambda r, o: None, order=5)
    assert [(p.template, p.order) for p in registry.panels(registry.MINASIDOR_HOME)] == [
        ("x.html", 5)
    ]
    with pytest.raises(ValueError, match="unknown panel slot"):
        registry.register("nowhere", "x.html", lambda r, o: {})


def test_a_page_slot_without_its_object_renders_no_panel(registry):
    calls = []
    registry.register(registry.MINASIDOR_HOME, "x.html", lambda r, o: calls.append(o) or {})
    assert _render(registry.MINASIDOR_HOME, None) == "<div></div>"
    assert calls == []
