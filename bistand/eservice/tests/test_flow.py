"""A couple applies for the first time through the e-service, end to end: e-legitimation
through a real OIDC provider, the household from folkbokföringen, every step, both
signatures each with their own login, the robot, Mina sidor."""

from __future__ import annotations

import pytest

from bistand.cases.models import Application, State
from bistand.cases.seeding import get_municipality
from bistand.eservice.demo import register_household
from bistand.eservice.models import Cosignature, Draft, Signature
from bistand.eservice.services import months_open

ANNA = "198504122386"  # sökande
BO = "198307151236"  # medsökande
CHILD = "201503032383"
ADDRESS = "a1b2c3d4e5f60718"  # opaque key: who lives together

pytestmark = pytest.mark.django_db(transaction=True)


def valid(number: str) -> str:
    from bistand.cases import personnummer

    return personnummer.normalise(number)


@pytest.fixture
def household(register_simulator):
    """Anna, Bo and their child at one address, according to Skatteverket."""
    month = months_open()[0]
    anna, bo, child = valid(ANNA), valid(BO), valid(CHILD)
    register_household(register_simulator, month, [anna, bo], [child], address_key=ADDRESS)
    get_municipality()
    return month, anna, bo, child


def fill_in(client, month: str) -> Draft:
    start = client.post("/mina-sidor/ansok/", {"month": month})
    assert start.status_code == 302
    draft = Draft.objects.get()
    assert start["Location"] == f"/mina-sidor/ansok/{draft.pk}/hushall/"
    page = client.get(start["Location"]).content.decode()
    assert "Enligt folkbokföringen bor de här personerna på din adress" in page
    steps = {
        "hushall": {"role_0": "partner", "role_1": "child"},
        "boende": {"type": "rent", "rooms": "3", "rent": "8 500"},
        "inkomster": {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-person": valid(BO),
            "form-0-type": "salary",
            "form-0-amount": "4 200,50",
        },
        "kostnader": {"electricity": "350", "home_insurance": "150"},
        "tillgangar": {},
        "ovriga-behov": {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"},
        "forandringar": {"changes": ""},
        "planering": {"af_registered": "yes", "activity": "Söker arbete"},
        "bilagor": {"next": ""},
    }
    for step, data in steps.items():
        response = client.post(f"/mina-sidor/ansok/{draft.pk}/{step}/", data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    return Draft.objects.get()


def test_a_couple_applies_and_both_sign(client, eid_login, household):
    month, anna, bo, child = household
    eid_login(client, anna, given_name="Anna", family_name="Andersson")
    draft = fill_in(client, month)
    assert draft.data["members"] == [
        {"personnummer": anna, "role": "applicant"},
        {"personnummer": bo, "role": "partner", "from_register": True},
        {"personnummer": child, "role": "child", "from_register": True},
    ]
    assert draft.data["incomes"] == [{"personnummer": bo, "type": "salary", "amount": "4200.50"}]
    assert {"type": "rent", "amount": "8500.00"} in draft.data["costs"]

    review = client.get(f"/mina-sidor/ansok/{draft.pk}/granska/")
    assert "Skriv under och skicka in" in review.content.decode()
    signed = client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    application = Application.objects.get()
    assert signed["Location"] == f"/mina-sidor/ansokan/{application.pk}/"
    assert application.state == State.AWAITING_COSIGNATURE
    assert application.submission_key == str(draft.submission_key)
    assert "from_register" not in str(application.declared)

    # A second click creates nothing new.
    client.post(f"/mina-sidor/ansok/{draft.pk}/granska/", {"confirm": "on"})
    assert Application.objects.count() == 1

    # Anna's own session cannot sign for Bo.
    assert (
        client.post(f"/mina-sidor/underskrift/{application.pk}/", {"confirm": "on"}).status_code
        == 404
    )

    # Bo logs in with his own e-legitimation and signs.
    bo_client = client.__class__()
    eid_login(bo_client, bo)
    home = bo_client.get("/mina-sidor/").content.decode()
    assert "väntar på din underskrift" in home
    done = bo_client.post(f"/mina-sidor/underskrift/{application.pk}/", {"confirm": "on"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    signatures = Signature.objects.filter(application=application).order_by("signed_at")
    assert [(s.person.personnummer, s.role) for s in signatures] == [
        (anna, "applicant"),
        (bo, "partner"),
    ]
    assert signatures[0].login_ref != signatures[1].login_ref
    assert signatures[0].declared_sha256 == signatures[1].declared_sha256
    assert Cosignature.objects.get().signed_at is not None

    from bistand.robot import pipeline

    assert pipeline.process(application.pk) in {"proposal", "decided"}
    application.refresh_from_db()
    assert application.state in {State.PROPOSAL_READY, State.DECIDED}
