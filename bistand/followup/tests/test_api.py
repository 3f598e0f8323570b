"""The follow-up through the REST API: the same permissions and the same figures as the pages
(the shared history of conftest.py; the figures are worked out there and in
test_process_measures.py)."""

from __future__ import annotations

import pytest

from bistand.staff.testing import make_staff

pytestmark = pytest.mark.django_db
PERIOD = "fran=2025-03&till=2025-04"


@pytest.mark.parametrize(
    "url", ["/api/v1/followup/tables/flaggor/", "/api/v1/followup/keyfigures/"]
)
def test_a_caseworker_and_a_visitor_are_refused(client, world, url):
    norr, _ = world["units"]
    assert client.get(url).status_code == 403
    client.force_login(make_staff("hl2", "handlaggare", [norr]))
    assert client.get(url).status_code == 403


def test_a_team_lead_gets_their_units_and_an_auditor_the_municipality(client, world):
    norr, syd = world["units"]
    client.force_login(make_staff("gl", "gruppledare", [norr]))
    table = client.get(f"/api/v1/followup/tables/handlaggningstid/?{PERIOD}").json()
    everyone = {row["route"]: row for row in table["rows"]}["Alla beslut"]
    # Norr: 0.5, 2, 12, 30 h → p50 rank 2 → 2; p95 rank 4 → 30; 3 of 4 within 24 h
    assert (everyone["decisions"], everyone["p50_hours"], everyone["p95_hours"]) == (4, 2.0, 30.0)
    assert everyone["share_within_24h"] == 0.75
    assert table["unit_ids"] == [norr.pk] and table["first_month"] == "2025-03"
    assert {c["key"]: c["kind"] for c in table["columns"]}["share_within_24h"] == "share"
    # another unit's figures are not for them: a 400 that says why
    refused = client.get(f"/api/v1/followup/tables/handlaggningstid/?{PERIOD}&enhet={syd.pk}")
    assert refused.status_code == 400 and "enhet" in refused.json()

    client.force_login(make_staff("gr", "granskare"))
    table = client.get(f"/api/v1/followup/tables/stickprov-felandel/?{PERIOD}").json()
    # 1 error among 3 controlled; Wilson 0.0615–0.7923
    assert table["rows"][0]["errors"] == 1 and table["rows"][0]["ci_high"] == 0.7923
    assert table["unit_ids"] is None


def test_unknown_tables_and_bad_filters(client, world):
    client.force_login(make_staff("adm", "administrator"))
    assert client.get("/api/v1/followup/tables/nothing/").status_code == 404
    bad = client.get("/api/v1/followup/tables/flaggor/?fran=2025-13")
    assert bad.status_code == 400 and "fran" in bad.json()
    assert client.get("/api/v1/followup/keyfigures/?ar=1900").status_code == 400


def test_key_figures(client, world):
    client.force_login(make_staff("adm", "administrator"))
    document = client.get("/api/v1/followup/keyfigures/?ar=2025").json()
    figures = {f["id"]: f for f in document["figures"]}
    # 2025's five decisions: 0.5, 2, 12, 30, 96 h → 3 of 5 within 24 h
    assert figures["beslut_inom_24_timmar"]["value"] == 0.6
    assert figures["beslut_inom_24_timmar"]["numerator"] == 3
    assert document["year"] == 2025 and document["municipality"]["code"] == "exempelkommun"
