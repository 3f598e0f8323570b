"""The aktivitetskrav's panels on pages other apps own (bistand/core/extensions.py): the case
view (CASE), Mina sidor's application page (MINASIDOR_APPLICATION) and the staff links."""

from __future__ import annotations

from typing import Any

from bistand.staff import access

from . import services
from .models import Attendance, AttendanceSource, CertificateStatus, Exemption, MedicalCertificate


def case_panel(request, application) -> dict[str, Any] | None:
    """Per adult of the case: the count of months, whether the requirement applies and why, the
    plan, exemptions, this and last month's attendance, läkarintyg. The case view has already
    checked that the user sees the case and logged the access."""
    case = application.case
    adults = services.adults_of(case, application.month)
    if not adults:
        return None
    pairs = [(p.pk, application.month) for p in adults]
    found = services.statuses(pairs, cases=dict.fromkeys(pairs, application.case_id))
    values = services.parameters(application.month)
    months = [services.add_months(application.month, -1), application.month]
    people = []
    for person in adults:
        st = found[(person.pk, application.month)]
        people.append(
            {
                "person": person,
                "status": st,
                "activities": list(st.plan.activities.all()) if st.plan else [],
                "exemptions": Exemption.objects.filter(person=person, case=case),
                "attendance": Attendance.objects.filter(person=person, case=case, month__in=months),
                "certificates": MedicalCertificate.objects.filter(person=person, case=case),
            }
        )
    return {
        "application": application,
        "people": people,
        "can_act": access.can_decide(request.user),
        "applies": values["applies"],
        "reference": values["reference"],
    }


def minasidor_panel(request, application) -> dict[str, Any] | None:
    """On the applicant's own application: report an absence when they have a plan; send a
    läkarintyg when they named illness as what keeps them from work."""
    person = getattr(request, "applicant", None)
    if person is None or not services.is_adult_of(application.case, person.pk):
        return None
    plan = (
        services.Plan.objects.filter(person=person, case=application.case)
        .prefetch_related("activities")
        .first()
    )
    has_plan = plan is not None
    illness = services.certificate_asked(application, person)
    if not has_plan and not illness:
        return None
    return {
        "application": application,
        "has_plan": has_plan,
        "plan": plan,
        "activities": list(plan.activities.all()) if plan else [],
        "illness": illness,
        "certificates": MedicalCertificate.objects.filter(person=person, case=application.case),
        "reported": Attendance.objects.filter(
            person=person, case=application.case, source=AttendanceSource.APPLICANT
        ).order_by("-day")[:10],
        "accepted": CertificateStatus.ACCEPTED,
    }


def staff_links(request, obj) -> dict[str, Any] | None:
    from bistand.followup.access import ROLES

    if not access.has_role(request.user, *ROLES):
        return None
    return {"links": [("aktivitetskrav:ivo", "Aktivitetskrav: uppgifter till IVO och nämnden")]}
