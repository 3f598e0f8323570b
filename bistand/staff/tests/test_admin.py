"""The admin: who may change the municipality's settings, the audit log of every change, and
the access log of every case opened there."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.forms.widgets import SplitDateTimeWidget

from bistand.audit.models import AuditEvent
from bistand.cases.models import Application, Municipality, Person, Unit
from bistand.cases.seeding import get_municipality
from bistand.cases.services import Member, open_case
from bistand.decisions.models import DecisionPolicy
from bistand.staff.models import Role
from bistand.staff.roles import permissions_for
from bistand.staff.testing import make_staff

from .test_access import TEST


def form_data(response) -> dict:
    """What the browser would send back for an admin change form, unchanged."""
    data: dict = {}

    def add(form):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if isinstance(field.widget, SplitDateTimeWidget):
                value = value if isinstance(value, datetime.datetime) else None
                data[f"{key}_0"] = value.date().isoformat() if value else ""
                data[f"{key}_1"] = value.time().isoformat() if value else ""
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def settings_events():
    return list(AuditEvent.objects.filter(action="settings.changed").order_by("sequence"))


@pytest.fixture
def north(db):
    get_municipality()
    return Unit.objects.get(name="Enhet Nord")


@pytest.fixture
def administrator(north):
    return make_staff("ali", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def auditor(north):
    return make_staff("greta", Role.AUDITOR, is_staff=True, protected=True)


@pytest.fixture
def policy(north):
    return DecisionPolicy.objects.get(municipality__code="exempelkommun")


def test_the_roles_get_their_admin_permissions_at_migrate(db):
    def codenames(role):
        return set(permissions_for(role).values_list("codename", flat=True))

    assert set(Group.objects.get(name=Role.AUDITOR).permissions.all()) == set(
        permissions_for(Role.AUDITOR)
    )
    assert {"view_auditevent", "view_case", "view_decisionpolicy"} <= codenames(Role.AUDITOR)
    assert not {c for c in codenames(Role.AUDITOR) if not c.startswith("view_")}
    assert {"change_decisionpolicy", "add_unit", "change_user"} <= codenames(Role.ADMINISTRATOR)
    assert "view_auditevent" not in codenames(Role.ADMINISTRATOR)
    assert codenames(Role.CASEWORKER) == codenames(Role.TEAM_LEAD) == set()


def test_an_administrator_changes_the_decision_policy_and_it_is_logged(
    client, administrator, policy
):
    client.force_login(administrator)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/change/"
    data = form_data(client.get(url))
    data.update(
        automate_refusals="on",
        stickprov_percent="15",
        four_eyes_limit_ore="1500000",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    policy.refresh_from_db()
    assert policy.automate_refusals and policy.stickprov_percent == 15
    [event] = settings_events()
    assert event.actor == f"user:{administrator.pk}:ali"
    assert event.subject == f"decisions.decisionpolicy:{policy.pk}"
    assert event.data == {
        "model": "decisions.decisionpolicy",
        "object_id": policy.pk,
        "operation": "change",
        "fields": ["automate_refusals", "four_eyes_limit_ore", "stickprov_percent"],
        "values": {
            "automate_refusals": True,
            "four_eyes_limit_ore": 1500000,
            "stickprov_percent": 15,
        },
    }


def test_saving_without_a_change_logs_nothing(client, administrator, policy):
    client.force_login(administrator)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/change/"
    assert client.post(url, form_data(client.get(url))).status_code == 302
    assert settings_events() == []


def test_text_shaped_like_a_personnummer_never_reaches_the_log(client, administrator, policy):
    client.force_login(administrator)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/change/"
    data = form_data(client.get(url))
    data["delegation_reference"] = "Beslut 19850201-9980"
    assert client.post(url, data).status_code == 302
    [event] = settings_events()
    assert event.data["values"] == {"delegation_reference": "(visas inte)"}


def test_the_auditor_reads_settings_and_the_audit_log_but_changes_nothing(client, auditor, policy):
    client.force_login(auditor)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="submit"' not in page.content.decode().split('id="decisionpolicy_form"')[-1]
    assert client.post(url, {"stickprov_percent": "99"}).status_code == 403
    policy.refresh_from_db()
    assert policy.stickprov_percent == 10

    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/cases/unit/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 200


def test_a_caseworker_has_no_admin(client, north, policy):
    caseworker = make_staff("anna", Role.CASEWORKER, [north], is_staff=True)
    client.force_login(caseworker)
    assert client.get(f"/admin/decisions/decisionpolicy/{policy.pk}/change/").status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_an_administrator_without_the_role_group_permission_cannot_change(client, north, policy):
    """Django permissions alone are not enough: changing settings needs the role too."""
    from django.contrib.auth.models import Permission

    someone = make_staff("nisse", Role.AUDITOR, is_staff=True)
    someone.user_permissions.add(Permission.objects.get(codename="change_decisionpolicy"))
    client.force_login(someone)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/change/"
    assert client.post(url, {"stickprov_percent": "99"}).status_code == 403


def test_an_administrator_sees_only_their_own_municipality(client, policy):
    other = get_municipality("annankommun")
    outsider = make_staff("extern", Role.ADMINISTRATOR, municipality=other, is_staff=True)
    client.force_login(outsider)
    listing = client.get("/admin/decisions/decisionpolicy/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [DecisionPolicy.objects.get(municipality=other)]
    assert client.get(f"/admin/decisions/decisionpolicy/{policy.pk}/change/").status_code == 302


def test_adding_a_unit_and_changing_the_municipality_are_logged(client, administrator):
    client.force_login(administrator)
    municipality = Municipality.objects.get(code="exempelkommun")
    response = client.post(
        "/admin/cases/unit/add/", {"municipality": municipality.pk, "name": "Enhet Väst"}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Enhet Väst")

    url = f"/admin/cases/municipality/{municipality.pk}/change/"
    data = form_data(client.get(url))
    data["committee"] = "Arbetsmarknadsnämnden"
    assert client.post(url, data).status_code == 302

    added, changed = settings_events()
    assert added.data["operation"] == "add" and added.data["object_id"] == unit.pk
    assert added.data["values"] == {"municipality": municipality.pk, "name": "Enhet Väst"}
    assert changed.data["model"] == "cases.municipality"
    assert changed.data["values"] == {"committee": "Arbetsmarknadsnämnden"}


def test_deleting_a_unit_is_logged(client, administrator):
    client.force_login(administrator)
    unit = Unit.objects.create(municipality=get_municipality(), name="Enhet Tillfällig")
    response = client.post(f"/admin/cases/unit/{unit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    [event] = settings_events()
    assert event.data["operation"] == "delete" and event.data["object_id"] == unit.pk


def test_changing_a_staff_profile_and_group_membership_is_logged(client, administrator, north):
    south = Unit.objects.get(name="Enhet Syd")
    anna = make_staff("anna", Role.CASEWORKER, [north])
    client.force_login(administrator)

    url = f"/admin/staff/staffprofile/{anna.staff.pk}/change/"
    data = form_data(client.get(url))
    data.update(units=[str(north.pk), str(south.pk)], protected_identity_access="on")
    assert client.post(url, data).status_code == 302

    url = f"/admin/auth/user/{anna.pk}/change/"
    data = form_data(client.get(url))
    team_lead = Group.objects.get(name=Role.TEAM_LEAD)
    data["groups"] = [str(team_lead.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(anna.groups.values_list("name", flat=True)) == ["gruppledare"]

    profile_event, user_event = settings_events()
    assert profile_event.data["values"] == {
        "protected_identity_access": True,
        "units": sorted([north.pk, south.pk], key=str),
    }
    assert user_event.data["model"] == "auth.user"
    assert user_event.data["values"] == {"groups": ["gruppledare"]}


def test_an_administrator_cannot_make_anyone_a_superuser(client, administrator, north):
    anna = make_staff("anna", Role.CASEWORKER, [north])
    client.force_login(administrator)
    url = f"/admin/auth/user/{anna.pk}/change/"
    data = form_data(client.get(url))
    data["is_superuser"] = "on"
    assert client.post(url, data).status_code == 302
    anna.refresh_from_db()
    assert not anna.is_superuser


def test_a_new_password_is_logged_without_the_password(admin_client, north):
    anna = make_staff("anna", Role.CASEWORKER, [north])
    response = admin_client.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "Nytt-lösenord-42", "password2": "Nytt-lösenord-42"},
    )
    assert response.status_code == 302
    [event] = settings_events()
    assert "Nytt-lösenord-42" not in str(event.data)
    assert set(event.data["values"].values()) == {"(ändrat)"}


@pytest.fixture
def cases(north):
    municipality = get_municipality()
    people = {
        "open": Person.objects.create(personnummer="198502019980", given_name="Öppen"),
        "hidden": Person.objects.create(personnummer="196001019980", protected_identity=True),
    }
    return {
        name: open_case(municipality, [Member(person, "applicant")], actor=TEST, unit=north)
        for name, person in people.items()
    }


def test_opening_a_case_or_application_in_the_admin_is_logged(client, administrator, cases):
    case = cases["open"]
    application = Application.objects.create(case=case, month="2026-03", kind="first")
    client.force_login(administrator)

    assert client.get("/admin/cases/case/").status_code == 200
    assert client.get("/admin/cases/application/").status_code == 200
    assert not AuditEvent.objects.filter(action="case.opened").exists()  # lists are not

    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert client.get(f"/admin/cases/application/{application.pk}/change/").status_code == 200
    events = AuditEvent.objects.filter(action="case.opened", case_id=case.pk).order_by("sequence")
    assert [e.data for e in events] == [
        {"purpose": "administration", "view": "admin.case"},
        {"purpose": "administration", "view": "admin.application"},
    ]
    assert all(e.actor == f"user:{administrator.pk}:ali" for e in events)


def test_a_protected_case_is_not_found_in_the_admin_without_access(client, administrator, cases):
    hidden = cases["hidden"]
    client.force_login(administrator)
    listing = client.get("/admin/cases/case/")
    assert hidden not in listing.context["cl"].queryset
    assert client.get(f"/admin/cases/case/{hidden.pk}/change/").status_code == 302
    assert not AuditEvent.objects.filter(action="case.opened").exists()


def test_case_data_is_read_only_in_the_admin(client, auditor, cases):
    client.force_login(auditor)
    case = cases["hidden"]  # the auditor has protected-identity access
    assert client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert client.post(f"/admin/cases/case/{case.pk}/change/", {}).status_code == 403
    assert client.get("/admin/cases/application/add/").status_code == 403


def test_persons_are_masked_and_found_only_by_the_whole_personnummer(client, administrator, cases):
    client.force_login(administrator)
    listing = client.get("/admin/cases/person/").content.decode()
    assert "19850201-****" in listing
    assert "198502019980" not in listing and "19850201-9980" not in listing
    assert "196001" not in listing  # protected identity: not for this administrator
    assert 'method="post" role="search"' in listing

    person = Person.objects.get(given_name="Öppen")
    found = client.post("/admin/cases/person/", {"personnummer": "19850201-9980"})
    assert found.status_code == 302
    assert found["Location"] == f"/admin/cases/person/{person.pk}/change/"  # an id, no number
    for partial in ("19850201", "Öppen", "9980"):
        result = client.post("/admin/cases/person/", {"personnummer": partial}, follow=True)
        assert result.redirect_chain == [("/admin/cases/person/", 302)]
        assert "inte ett giltigt personnummer" in result.content.decode()


def test_the_person_search_puts_no_personnummer_in_any_address(client, administrator, cases):
    """The attack: ``?q=<personnummer>`` writes the number into the server's access log."""
    client.force_login(administrator)
    refused = client.get(
        "/admin/cases/person/", {"q": "19850201-9980", "protected_identity__exact": "0"}
    )
    assert refused.status_code == 302
    assert refused["Location"] == "/admin/cases/person/?protected_identity__exact=0"
    page = client.get(refused["Location"]).content.decode()
    assert "Personnummer får inte stå i adressen" in page
    assert "19850201-9980" not in page and "198502019980" not in page
    # Not by GET under another name either, nor in the 10-digit form, nor on another list.
    for path, query in [
        ("/admin/cases/person/", {"personnummer": "8502019980"}),
        ("/admin/cases/case/", {"q": "198502019980"}),
        ("/admin/audit/auditevent/", {"q": "850201-9980"}),
        ("/handlaggning/", {"manad": "19850201-9980"}),
    ]:
        response = client.get(path, query)
        assert response.status_code == 302, path
        assert "9980" not in response["Location"], path
    # A search term that is no personnummer still works on the other lists.
    assert client.get("/admin/cases/case/", {"q": "EB-2026-000001"}).status_code == 200


def test_the_person_search_finds_only_whom_the_user_may_see(client, administrator, cases):
    client.force_login(administrator)
    hidden = client.post("/admin/cases/person/", {"personnummer": "19600101-9980"}, follow=True)
    assert hidden.redirect_chain == [("/admin/cases/person/", 302)]
    assert "Ingen person med det numret" in hidden.content.decode()
    assert not AuditEvent.objects.filter(action="case.opened").exists()


def test_opening_a_person_logs_access_to_their_cases(client, administrator, cases):
    person = Person.objects.get(given_name="Öppen")
    client.force_login(administrator)
    page = client.get(f"/admin/cases/person/{person.pk}/change/").content.decode()
    assert "19850201-****" in page and "19850201-9980" not in page
    event = AuditEvent.objects.get(action="case.opened")
    assert event.case_id == cases["open"].pk and event.data["view"] == "admin.person"


def test_the_login_logs_are_read_by_the_auditor_and_lockouts_lifted_by_the_administrator(
    client, auditor, administrator
):
    client.force_login(auditor)
    assert client.get("/admin/axes/accesslog/").status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    client.force_login(administrator)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_changing_the_local_guidelines_and_renaming_a_unit_are_logged(client, administrator, north):
    client.force_login(administrator)
    municipality = Municipality.objects.get(code="exempelkommun")
    url = f"/admin/cases/municipality/{municipality.pk}/change/"
    data = form_data(client.get(url))
    assert data["guidelines"] == "exempelkommun"
    data["guidelines"] = ""  # riksnorm only
    assert client.post(url, data).status_code == 302
    municipality.refresh_from_db()
    assert municipality.guidelines == ""

    url = f"/admin/cases/unit/{north.pk}/change/"
    data = form_data(client.get(url))
    data["name"] = "Enhet Norr"
    assert client.post(url, data).status_code == 302

    guidelines, unit = settings_events()
    assert guidelines.subject == f"cases.municipality:{municipality.pk}"
    assert guidelines.data["values"] == {"guidelines": ""}
    assert guidelines.actor == f"user:{administrator.pk}:ali"
    assert unit.subject == f"cases.unit:{north.pk}"
    assert (unit.data["operation"], unit.data["values"]) == ("change", {"name": "Enhet Norr"})


def test_a_superuser_adding_and_deleting_a_decision_policy_is_logged(admin_client):
    other = Municipality.objects.create(code="nykommun", name="Nykommun")
    DecisionPolicy.objects.filter(municipality=other).delete()
    data = form_data(admin_client.get("/admin/decisions/decisionpolicy/add/"))
    data.update(municipality=str(other.pk), stickprov_percent="5", four_eyes_limit_ore="2000000")
    response = admin_client.post("/admin/decisions/decisionpolicy/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = DecisionPolicy.objects.get(municipality=other)
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not DecisionPolicy.objects.filter(pk=policy.pk).exists()

    added, deleted = settings_events()
    assert added.data["operation"] == "add" and added.data["object_id"] == policy.pk
    assert added.data["values"]["four_eyes_limit_ore"] == 2000000
    assert added.data["values"]["municipality"] == other.pk
    assert (deleted.data["operation"], deleted.data["object_id"]) == ("delete", policy.pk)
    assert deleted.subject == f"decisions.decisionpolicy:{policy.pk}"


def test_an_administrator_cannot_add_or_delete_a_decision_policy(client, administrator, policy):
    client.force_login(administrator)
    assert client.get("/admin/decisions/decisionpolicy/add/").status_code == 403
    url = f"/admin/decisions/decisionpolicy/{policy.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert DecisionPolicy.objects.filter(pk=policy.pk).exists()
    assert settings_events() == []
