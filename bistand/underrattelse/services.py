"""Underrättelser (lag 2008:206): record, list and export a notice to another authority.

Staff only. A notice is never shown to the household: no applicant page, the applicant's
letters or Mina sidor read this app (tests in tests/test_never_shown.py).
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.cases import membership
from bistand.cases.models import Application, HouseholdMember, Person
from bistand.letters.pdf import SCREEN_STYLESHEET, write_pdf

from .models import Underrattelse

LAW = "lag (2008:206) om underrättelseskyldighet vid felaktiga utbetalningar från välfärdssystemen"
LAW_SECTION = "3 § lag (2008:206)"


class UnderrattelseError(Exception):
    """Something the caseworker can correct; the message is Swedish."""


def members(application: Application) -> list[HouseholdMember]:
    """The household's members in the application's month (whom a notice may concern): not
    someone who had left before it or joined after (security review 2026-12-06)."""
    return [
        member
        for member in HouseholdMember.objects.filter(household=application.case.household)
        .select_related("person")
        .order_by("role", "pk")
        if membership.covers(member, application.month)
    ]


def create(
    application: Application,
    *,
    user,
    person: Person,
    authority: str,
    authority_detail: str,
    benefit: str,
    ground: str,
) -> Underrattelse:
    if not any(m.person_id == person.pk for m in members(application)):
        raise UnderrattelseError("Personen finns inte i hushållet.")
    if not benefit.strip() or not ground.strip():
        raise UnderrattelseError("Ange förmånen och grunden för underrättelsen.")
    with transaction.atomic():
        notice = Underrattelse.objects.create(
            case=application.case,
            application=application,
            person=person,
            authority=authority,
            authority_detail=authority_detail.strip(),
            benefit=benefit.strip(),
            ground=ground.strip(),
            created_by=user,
        )
        record(
            "underrattelse.recorded",
            actor=Actor.user(user),
            case_id=application.case_id,
            subject=f"underrattelse:{notice.pk}",
            data={"authority": authority, "application": application.pk},
        )
    return notice


def render_html(notice: Underrattelse) -> str:
    person = notice.person
    return render_to_string(
        "underrattelse/notice.html",
        {
            "n": notice,
            "name": f"{person.given_name} {person.family_name}".strip(),
            # The receiving authority needs the full identity to find the payment.
            "personnummer": f"{person.personnummer[:8]}-{person.personnummer[8:]}",
            "municipality": notice.case.municipality,
            "law": LAW,
            "law_section": LAW_SECTION,
            "today": timezone.localdate(),
            "css": SCREEN_STYLESHEET.read_text(encoding="utf-8"),
        },
    )


def export_pdf(notice: Underrattelse, *, user) -> bytes:
    content = write_pdf(render_html(notice))
    record(
        "underrattelse.exported",
        actor=Actor.user(user),
        case_id=notice.case_id,
        subject=f"underrattelse:{notice.pk}",
        data={"format": "pdf"},
    )
    return content
