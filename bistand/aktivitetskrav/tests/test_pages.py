"""The caseworker's pages, Mina sidor and the API: who may read and record what (the attacks:
another person's plan or absence, a read-only role, another unit)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bistand.aktivitetskrav import services
from bistand.aktivitetskrav.models import Activity, Attendance, Exemption, Plan
from bistand.audit.models import AuditEvent
from bistand.cases.models import Person
from bistand.robot import pipeline

from .conftest import MONTH, OTHER_APPLICANT, TEST, household, log_in_applicant


@pytest.fixture
def application(world):
    application = world.submit()
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    return application


def plan_url(application, person):
    return reverse("aktivitetskrav:plan", args=[application.pk, person.pk])


def test_caseworker_records_a_plan_with_two_activities(client, world, application):
    client.force_login(world.users["anna"])
    url = plan_url(application, world.applicant)
    page = client.get(url)
    assert page.status_code == 200 and "Aktivitetskravet gäller" in page.content.decode()
    response = client.post(url, {"action": "plan", "goal": "Arbete inom vården", "capacity": ""})
    assert response.status_code == 302
    for kind, provider, hours in (("language", "SFI Centrum", 15), ("workplace", "Kommunen", 10)):
        response = client.post(
            url,
            {
                "action": "activity",
                "activity-kind": kind,
                "activity-provider": provider,
                "activity-hours_per_week": hours,
                "activity-start": "2026-12-01",
                "activity-end": "",
            },
        )
        assert response.status_code == 302
    plan = Plan.objects.get(person=world.applicant, case=world.case)
    assert plan.goal == "Arbete inom vården"
    assert sorted(a.provider for a in plan.activities.all()) == ["Kommunen", "SFI Centrum"]
    assert AuditEvent.objects.filter(action="aktivitetskrav.activity_added").count() == 2
    case_view = client.get(reverse("workspace:application", args=[application.pk]))
    text = case_view.content.decode()
    assert "Aktivitetskrav och läkarintyg" in text and "SFI Centrum" in text


def test_bad_input_is_a_swedish_message_and_nothing_is_lost(client, world, application):
    client.force_login(world.users["anna"])
    url = plan_url(application, world.applicant)
    client.post(url, {"action": "plan", "goal": "Arbete", "capacity": ""})
    response = client.post(
        url,
        {
            "action": "activity",
            "activity-kind": "language",
            "activity-provider": "SFI Centrum",
            "activity-hours_per_week": "60",
            "activity-start": "2026-12-10",
            "activity-end": "2026-12-01",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "högst 40" in text and "Slutdatumet får inte vara före startdatumet" in text
    assert 'value="SFI Centrum"' in text  # what was typed is still there
    assert not Activity.objects.exists()


def test_read_only_role_sees_but_cannot_record(client, world, application):
    client.force_login(world.users["auditor"])
    url = plan_url(application, world.applicant)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "plan", "goal": "x"}).status_code == 403
    for name in ("exemption", "attendance"):
        target = reverse(f"aktivitetskrav:{name}", args=[application.pk, world.applicant.pk])
        assert client.post(target, {}).status_code == 403
    assert not Plan.objects.exists()


def test_another_unit_gets_404(client, world, application):
    client.force_login(world.users["syd"])
    assert client.get(plan_url(application, world.applicant)).status_code == 404
    target = reverse("aktivitetskrav:attendance", args=[application.pk, world.applicant.pk])
    assert client.post(target, {"day": "2026-12-01", "presence": "present"}).status_code == 404


def test_a_person_outside_the_case_gets_404(client, world, application):
    other_case = household(world.north, OTHER_APPLICANT, None, "2026-11")
    stranger = Person.objects.get(personnummer=OTHER_APPLICANT)
    client.force_login(world.users["anna"])
    assert client.get(plan_url(application, stranger)).status_code == 404
    # nor may an absence of another case be assessed through this one
    row = services.record_attendance(
        other_case,
        stranger,
        day=date(2026, 12, 2),
        present=False,
        source="caseworker",
        actor=TEST,
        reason_kind="unknown",
    )
    url = reverse("aktivitetskrav:assess-absence", args=[application.pk, row.pk])
    assert client.post(url, {"assessment": "accepted"}).status_code == 404
    row.refresh_from_db()
    assert row.assessment == "pending"


def test_caseworker_records_absence_and_exemption(client, world, application):
    client.force_login(world.users["anna"])
    url = reverse("aktivitetskrav:attendance", args=[application.pk, world.partner.pk])
    missing = client.post(url, {"day": "2026-12-02", "presence": "absent", "source": "provider"})
    assert missing.status_code == 400 and "Välj skälet till frånvaron" in missing.content.decode()
    done = client.post(
        url,
        {
            "day": "2026-12-02",
            "presence": "absent",
            "source": "provider",
            "reason_kind": "illness",
            "assessment": "accepted",
        },
    )
    assert done.status_code == 302
    row = Attendance.objects.get()
    assert row.source == "provider" and row.assessment == "accepted"
    url = reverse("aktivitetskrav:exemption", args=[application.pk, world.partner.pk])
    assert (
        client.post(
            url, {"ground": "sickness_benefit", "valid_from": "2026-12-01", "valid_to": ""}
        ).status_code
        == 302
    )
    assert Exemption.objects.get().ground == "sickness_benefit"
    assert not services.status(world.partner, MONTH).covered


def test_applicant_reports_absence_and_it_shows_on_the_case(client, world, application):
    plan = services.save_plan(
        world.case, world.applicant, goal="Arbete inom handeln", capacity="", actor=TEST
    )
    services.add_activity(
        plan,
        kind="language",
        provider="SFI Centrum",
        hours_per_week=12,
        start=date(2026, 12, 1),
        end=None,
        actor=TEST,
    )
    log_in_applicant(client, world.applicant)
    page = client.get(reverse("eservice:application", args=[application.pk])).content.decode()
    assert "Anmäl frånvaro" in page and "Arbete inom handeln" in page  # their own plan
    assert "Språk: SFI Centrum, 12 timmar i veckan" in page
    url = reverse("aktivitetskrav:report-absence", args=[application.pk])
    bad = client.post(url, {"day": "", "reason_kind": ""})
    assert bad.status_code == 400 and "Välj varför du inte kunde delta" in bad.content.decode()
    response = client.post(url, {"day": "2026-12-03", "reason_kind": "child", "reason": ""})
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert row.source == "applicant" and not row.present and row.assessment == "pending"
    event = AuditEvent.objects.get(action="aktivitetskrav.attendance_recorded")
    assert event.actor == f"applicant:{world.applicant.pk}"
    client.logout()
    client.force_login(world.users["anna"])
    text = client.get(reverse("workspace:application", args=[application.pk])).content.decode()
    assert "2026-12-03" in text and "Vård av sjukt barn" in text


def test_another_applicant_cannot_report_on_this_application(client, world, application):
    household(world.north, OTHER_APPLICANT, None, "2026-11")
    stranger = Person.objects.get(personnummer=OTHER_APPLICANT)
    log_in_applicant(client, stranger)
    url = reverse("aktivitetskrav:report-absence", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"day": "2026-12-03", "reason_kind": "child"}).status_code == 404
    assert not Attendance.objects.exists()


def test_applicant_sends_a_certificate_when_illness_is_named(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bistand.robot.tests.conftest import APPLICANT, declared

    data = declared()
    data["planning"] = {
        "situation": [{"personnummer": APPLICANT, "hinder": "sick_certified", "activity": ""}]
    }
    application = world.submit(data)
    log_in_applicant(client, world.applicant)
    page = client.get(reverse("eservice:application", args=[application.pk]))
    assert "Skicka läkarintyg" in page.content.decode()
    url = reverse("aktivitetskrav:upload-certificate", args=[application.pk])
    pdf = SimpleUploadedFile("intyg.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url, {"file": pdf, "valid_from": "2026-12-01", "valid_until": "2027-01-31"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = application.case and services.MedicalCertificate.objects.get()
    assert certificate.attachment.kind == "medical"
    event = AuditEvent.objects.get(action="aktivitetskrav.certificate_submitted")
    assert "sjuk" not in str(event.data) and "intyg.pdf" not in str(event.data)
    # the caseworker assesses it; the robot's next run finds it valid
    client.logout()
    client.force_login(world.users["anna"])
    url = reverse("aktivitetskrav:certificate", args=[application.pk, certificate.pk])
    assert client.post(url, {"status": "accepted", "accepted_until": ""}).status_code == 400
    assert (
        client.post(
            url, {"status": "accepted", "accepted_until": "2027-01-15", "note": "OK"}
        ).status_code
        == 302
    )
    certificate.refresh_from_db()
    assert certificate.status == "accepted"
    facts = services.robot_facts([application])[application.pk]["persons"][APPLICANT]
    assert facts.certificate == "valid"


def test_ivo_page_and_api_for_team_lead_not_for_caseworker(client, world, application):
    plan = services.save_plan(world.case, world.applicant, goal="Arbete", capacity="", actor=TEST)
    services.add_activity(
        plan,
        kind="job_seeking",
        provider="Jobbtorget",
        hours_per_week=14,
        start=date(2026, 12, 1),
        end=None,
        actor=TEST,
    )
    services.record_attendance(
        world.case,
        world.applicant,
        day=date(2026, 12, 2),
        present=False,
        source="provider",
        actor=TEST,
        reason_kind="illness",
    )
    client.force_login(world.users["anna"])
    assert client.get(reverse("aktivitetskrav:ivo")).status_code == 403
    assert client.get(reverse("api:aktivitetskrav-figures")).status_code == 403
    client.force_login(world.users["lead"])
    page = client.get(reverse("aktivitetskrav:ivo"), {"manad": MONTH})
    assert page.status_code == 200 and "Egen sjukdom: 1" in page.content.decode()
    rows = client.get(reverse("api:aktivitetskrav-figures"), {"month": MONTH}).json()
    north = next(r for r in rows if r["unit"] == "Enhet Nord")
    assert north["covered"] == 2 and north["covered_with_plan"] == 1
    assert north["hours_offered"] == "62.0"  # 14 h/week × 31 days / 7
    assert north["absences_by_reason"] == {"egen sjukdom": 1}
    assert "Enhet Syd" not in [r["unit"] for r in rows]  # the lead's units only
    bad = client.get(reverse("aktivitetskrav:ivo"), {"manad": "2026-13"})
    assert bad.status_code == 400 and "ÅÅÅÅ-MM" in bad.content.decode()


def test_api_same_permissions(client, world, application):
    status_url = reverse("api:aktivitetskrav-application", args=[application.pk])
    plan_url_ = reverse("api:aktivitetskrav-plan", args=[application.pk, world.applicant.pk])
    attendance_url = reverse(
        "api:aktivitetskrav-attendance", args=[application.pk, world.applicant.pk]
    )
    client.force_login(world.users["syd"])
    assert client.get(status_url).status_code == 404
    client.force_login(world.users["auditor"])
    assert client.get(status_url).status_code == 200
    put = client.put(plan_url_, {"goal": "x"}, content_type="application/json")
    assert put.status_code == 403
    client.force_login(world.users["anna"])
    rows = client.get(status_url).json()
    assert [r["covered"] for r in rows] == [True, True]
    assert "personnummer" not in str(rows) and "19850201" not in str(rows)
    put = client.put(plan_url_, {"goal": "Arbete"}, content_type="application/json")
    assert put.status_code == 200
    activities = reverse("api:aktivitetskrav-activities", args=[application.pk, world.applicant.pk])
    bad = client.post(
        activities,
        {
            "activity_kind": "language",
            "provider": "SFI",
            "hours_per_week": 0,
            "start": "2026-12-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    ok = client.post(
        activities,
        {
            "activity_kind": "language",
            "provider": "SFI",
            "hours_per_week": 10,
            "start": "2026-12-01",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201
    absent = client.post(
        attendance_url,
        {"day": "2026-12-02", "present": False, "source": "provider"},
        content_type="application/json",
    )
    assert absent.status_code == 400 and "skälet" in absent.json()["detail"]
    # another person's activity cannot be used for this person's attendance
    other = services.save_plan(world.case, world.partner, goal="Arbete", capacity="", actor=TEST)
    theirs = services.add_activity(
        other,
        kind="workplace",
        provider="X",
        hours_per_week=5,
        start=date(2026, 12, 1),
        end=None,
        actor=TEST,
    )
    wrong = client.post(
        attendance_url,
        {"day": "2026-12-02", "present": True, "activity": theirs.pk},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    ok = client.post(
        attendance_url,
        {"day": "2026-12-02", "present": True, "hours": 3},
        content_type="application/json",
    )
    assert ok.status_code == 201
    exemptions = reverse("api:aktivitetskrav-exemptions", args=[application.pk, world.partner.pk])
    created = client.post(
        exemptions,
        {"ground": "other", "text": "", "valid_from": "2026-12-01"},
        content_type="application/json",
    )
    assert created.status_code == 400
    created = client.post(
        exemptions,
        {"ground": "pension_age", "valid_from": "2026-12-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert client.get(exemptions).json()[0]["ground"] == "pension_age"


def test_the_flag_has_a_name_in_the_queues_filter_and_on_the_case(client, world, application):
    client.force_login(world.users["anna"])
    text = client.get(reverse("workspace:application", args=[application.pk])).content.decode()
    assert "Aktivitetskrav utan plan" in text
    queues = client.get(reverse("workspace:queues")).content.decode()
    assert "Aktivitetskrav utan plan" in queues


def test_api_certificates_and_assessments(client, world, application):
    from bistand.aktivitetskrav.models import MedicalCertificate

    certificate = MedicalCertificate.objects.create(
        person=world.applicant,
        case=world.case,
        valid_from=date(2026, 12, 1),
        valid_until=date(2026, 12, 31),
        submitted_by=TEST,
    )
    row = services.record_attendance(
        world.case,
        world.applicant,
        day=date(2026, 12, 2),
        present=False,
        source="provider",
        actor=TEST,
        reason_kind="unknown",
    )
    listed = reverse("api:aktivitetskrav-certificates", args=[application.pk, world.applicant.pk])
    assess = reverse(
        "api:aktivitetskrav-certificate-assessment", args=[application.pk, certificate.pk]
    )
    absence = reverse("api:aktivitetskrav-absence-assessment", args=[application.pk, row.pk])
    client.force_login(world.users["syd"])  # another unit: health data stays hidden
    assert client.get(listed).status_code == 404
    assert client.post(assess, {"status": "accepted"}).status_code == 404
    client.force_login(world.users["auditor"])  # reads, cannot assess
    assert client.get(listed).json()[0]["status"] == "pending"
    assert client.post(assess, {"status": "rejected"}).status_code == 403
    assert client.post(absence, {"assessment": "accepted"}).status_code == 403
    client.force_login(world.users["anna"])
    missing_date = client.post(assess, {"status": "accepted"}, content_type="application/json")
    assert missing_date.status_code == 400
    ok = client.post(
        assess,
        {"status": "accepted", "accepted_until": "2027-01-15"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["accepted_until"] == "2027-01-15"
    ok = client.post(absence, {"assessment": "not_accepted"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["assessment"] == "not_accepted"


def test_an_attached_certificate_is_registered_by_the_caseworker(client, world):
    from django.core.files.base import ContentFile

    from bistand.eservice.models import Attachment
    from bistand.robot.tests.conftest import APPLICANT, declared

    data = declared()
    data["planning"] = {
        "situation": [{"personnummer": APPLICANT, "hinder": "sick_certified", "activity": ""}]
    }
    application = world.submit(data)
    attachment = Attachment(
        application=application,
        uploaded_by=world.applicant,
        kind="medical",
        filename="intyg.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )
    attachment.file.save("intyg.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    pipeline.process_many([application.pk])
    application.refresh_from_db()
    flag = next(f for f in application.proposal.flags if f["code"] == "LAKARINTYG_MISSING")
    assert "bilaga av typen läkarintyg" in flag["message"] and flag["evidence"]["attachment"]

    url = reverse("aktivitetskrav:register-certificate", args=[application.pk, world.applicant.pk])
    client.force_login(world.users["auditor"])
    assert client.post(url, {}).status_code == 403
    client.force_login(world.users["anna"])
    assert "intyg.pdf" in client.get(url).content.decode()
    bad = client.post(
        url, {"attachment": "999999", "valid_from": "2026-12-01", "valid_until": "2027-01-31"}
    )
    assert bad.status_code == 400
    done = client.post(
        url,
        {"attachment": str(attachment.pk), "valid_from": "2026-12-01", "valid_until": "2027-01-31"},
    )
    assert done.status_code == 302
    certificate = services.MedicalCertificate.objects.get()
    assert certificate.attachment == attachment and certificate.status == "pending"
    facts = services.robot_facts([application])[application.pk]["persons"][APPLICANT]
    assert facts.certificate == "valid" and not facts.certificate_attached
