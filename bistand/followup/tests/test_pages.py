"""The /uppfoljning/ pages as their users meet them: who may see them, what the filters do, the
charts' accessibility, and the CSV downloads matching the tables on the page."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from bistand.staff.testing import make_staff

pytestmark = pytest.mark.django_db
PERIOD = "fran=2025-03&till=2025-04"


class Tables(HTMLParser):
    """The page's tables as lists of rows of cell texts (headings included)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "caption":
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "caption":
            self.skip -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def tables_of(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def as_on_page(value: str) -> str:
    """A CSV value as the page writes it: "–" for none, per cent with "%", thin-space groups."""
    if value == "":
        return "–"
    return value


@pytest.fixture
def users(world):
    norr, _ = world["units"]
    return {
        "handlaggare": make_staff("hl2", "handlaggare", [norr]),
        "gruppledare": make_staff("gl", "gruppledare", [norr]),
        "administrator": make_staff("adm", "administrator"),
        "granskare": make_staff("gr", "granskare"),
    }


@pytest.mark.parametrize(
    "url",
    [
        "/uppfoljning/",
        "/uppfoljning/utfall/",
        "/uppfoljning/nyckeltal/",
        "/uppfoljning/tabell/flaggor.csv",
    ],
)
def test_a_caseworker_is_refused_and_a_visitor_must_log_in(client, users, url):
    response = client.get(url)
    assert response.status_code == 302 and "/konto/" in response["Location"]
    client.force_login(users["handlaggare"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["gruppledare", "administrator", "granskare"])
def test_the_follow_up_roles_see_the_pages(client, users, role):
    client.force_login(users[role])
    for url in ("/uppfoljning/", "/uppfoljning/utfall/", "/uppfoljning/nyckeltal/"):
        response = client.get(f"{url}?{PERIOD}")
        assert response.status_code == 200, url
        assert '<html lang="sv">' in response.content.decode()
    assert client.post("/uppfoljning/").status_code == 405


def lead_time_row(client, query: str) -> list[str]:
    rows = csv_rows(client.get(f"/uppfoljning/tabell/handlaggningstid.csv?{query}").content)
    return next(row for row in rows if row[0] == "Alla beslut")


def test_a_team_lead_sees_only_their_units(client, users, world):
    _, syd = world["units"]
    client.force_login(users["gruppledare"])
    page = client.get(f"/uppfoljning/?{PERIOD}").content.decode()
    assert ">Norr</option>" in page and ">Syd</option>" not in page
    assert "Alla mina enheter" in page
    # Norr's four decisions (A1–A4), not Syd's B1; asking for Syd is refused by the form and
    # falls back to the team lead's own units
    assert lead_time_row(client, PERIOD)[1] == "4"
    assert lead_time_row(client, f"{PERIOD}&enhet={syd.pk}")[1] == "4"
    refused = client.get(f"/uppfoljning/?{PERIOD}&enhet={syd.pk}").content.decode()
    assert "Det finns fel att rätta" in refused


def test_an_administrator_sees_the_municipality_or_one_unit(client, users, world):
    _, syd = world["units"]
    client.force_login(users["administrator"])
    # all five decisions; Syd alone: B1's 96 hours
    assert lead_time_row(client, PERIOD)[1] == "5"
    syd_only = lead_time_row(client, f"{PERIOD}&enhet={syd.pk}")
    assert syd_only[1:4] == ["1", "96,0", "96,0"]


def test_a_bad_period_is_explained_and_the_default_shown(client, users):
    client.force_login(users["administrator"])
    page = client.get("/uppfoljning/?fran=2025-05&till=2025-03").content.decode()
    assert "Till-månaden får inte vara före från-månaden." in page
    assert page.count('href="#id_till"') == 1  # the error summary links to the field


def test_every_table_on_the_pages_matches_its_csv(client, users):
    client.force_login(users["administrator"])
    for url in ("/uppfoljning/", "/uppfoljning/utfall/"):
        html = client.get(f"{url}?{PERIOD}").content.decode()
        links = re.findall(r'href="/uppfoljning/tabell/([a-z0-9-]+)\.csv\?([^"]+)"', html)
        tables = tables_of(html)
        assert len(links) == len(tables) > 0
        for (table_id, query), table in zip(links, tables, strict=True):
            query = query.replace("&amp;", "&")
            rows = csv_rows(client.get(f"/uppfoljning/tabell/{table_id}.csv?{query}").content)
            # headings: the CSV's "(%)" columns are the page's per-cent columns
            assert [h.removesuffix(" (%)") for h in rows[0]] == [
                h.removesuffix(" (%)") for h in table[0]
            ], table_id
            if len(rows) == 1:  # no rows: the page says so in one cell
                table = table[:1]
            for csv_row, page_row in zip(rows[1:], table[1:], strict=True):
                page_values = [v.removesuffix(" %").replace("\u202f", "") for v in page_row]
                assert [as_on_page(v) for v in csv_row] == page_values, table_id


def test_the_charts_are_accessible_images_with_their_numbers_nearby(client, users):
    client.force_login(users["administrator"])
    html = client.get(f"/uppfoljning/?{PERIOD}").content.decode()
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(charts) >= 4
    for chart in charts:
        assert 'role="img"' in chart and "aria-labelledby" in chart
        title = re.search(r'<title id="([^"]+)">([^<]+)</title>', chart)
        desc = re.search(r'<desc id="([^"]+)">([^<]+)</desc>', chart)
        assert title and desc and title.group(1) in chart.split(">")[0]
        assert "style=" not in chart  # the Content-Security-Policy allows no inline style
    # the lead-time chart writes the monthly medians as text, not only as a line
    assert "12,0 h" in charts[0] and "mål 24 h" in charts[0]
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_key_figures_as_json_and_csv(client, users):
    client.force_login(users["administrator"])
    document = json.loads(client.get("/uppfoljning/nyckeltal/?ar=2025&format=json").content)
    by_id = {f["id"]: f for f in document["figures"]}
    # the five 2025 decisions of the shared history: 0.5, 2, 12, 30, 96 h → median 12
    assert by_id["handlaggningstid_median_timmar"]["value"] == 12.0
    rows = csv_rows(client.get("/uppfoljning/nyckeltal/?ar=2025&format=csv").content)
    assert rows[0][:3] == ["Kommun", "År", "Nyckeltal"]
    median = next(r for r in rows if r[2] == "handlaggningstid_median_timmar")
    assert median[4] == "12,0" and median[6] == "5"
    share = next(r for r in rows if r[2] == "beslut_inom_24_timmar")
    assert share[4] == "60,0"  # 3 of 5 within 24 hours, in per cent
    page = client.get("/uppfoljning/nyckeltal/?ar=1900").content.decode()
    assert "Välj ett av åren i listan." in page


def test_the_pages_show_the_refreshed_figures_and_when_they_were_computed(client, users, world):
    from django.core.management import call_command

    from bistand.cases.models import Application
    from bistand.followup.models import MonthlyFigures

    from . import history as h

    client.force_login(users["administrator"])
    page = client.get(f"/uppfoljning/?{PERIOD}").content.decode()
    assert "Siffrorna räknades fram ur ärendena" in page
    # A new decision (Syd, 2025-04, 1 h) is not on the page until the figures are refreshed
    _, syd = world["units"]
    late = h.application(
        Application.objects.filter(case__unit=syd).first().case,
        "2025-04",
        submitted="2025-04-02 08:00",
    )
    h.decide(late, "2025-04-02 09:00", automated=True)
    assert lead_time_row(client, PERIOD)[1] == "5"
    call_command("followup", "refresh", "--month", "2025-04", stdout=io.StringIO())
    assert lead_time_row(client, PERIOD)[1] == "6"
    # …and a full refresh from the raw data gives the same rows again
    before = {
        (r.unit_key, r.period): r.data for r in MonthlyFigures.objects.filter(period="2025-03")
    }
    MonthlyFigures.objects.all().delete()
    assert "Siffrorna har inte räknats fram ännu" in client.get("/uppfoljning/").content.decode()
    call_command("followup", "refresh", stdout=io.StringIO())
    after = {
        (r.unit_key, r.period): r.data for r in MonthlyFigures.objects.filter(period="2025-03")
    }
    assert after == before and len(after) == 2  # Norr and Syd
