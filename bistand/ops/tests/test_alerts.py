"""deploy/prometheus/bistand-alerts.yml: the shape Prometheus expects, and only metrics that
/metrics exposes (promtool is not available here; this is the check we can make)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

ALERTS = Path(settings.BASE_DIR) / "deploy" / "prometheus" / "bistand-alerts.yml"


def rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    found = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"]
        found.extend(group["rules"])
    return found


def test_every_rule_has_the_shape_of_an_alerting_rule():
    names = [rule["alert"] for rule in rules()]
    assert len(names) == len(set(names))
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
        assert isinstance(rule["expr"], str) and rule["expr"].strip()
        assert re.fullmatch(r"\d+[smh]", rule["for"])
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")")


def test_the_three_alerts_operators_asked_for_are_there():
    names = {rule["alert"] for rule in rules()}
    assert {"BistandRobotStopped", "BistandRobotNoProgress"} <= names  # robot stopped
    assert "BistandOldestWaitingOver20Hours" in names  # oldest waiting over N hours
    assert "BistandRegisterSourceFailing" in names  # a register source failing


@pytest.mark.django_db
def test_every_metric_an_alert_names_is_exposed(client):
    client.get("/health/live")  # so that the request metrics have samples
    text = client.get("/metrics").content.decode()
    exposed = set()
    for family in text_string_to_metric_families(text):
        exposed.add(family.name)
        exposed.update(sample.name for sample in family.samples)
    for rule in rules():
        named = set(re.findall(r"\bbistand_[a-z_]+\b", rule["expr"]))
        assert named, rule["alert"]
        assert named <= exposed, (rule["alert"], named - exposed)
