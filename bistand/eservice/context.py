"""Template context for the applicant's pages: who is logged in (never the personnummer)."""

from __future__ import annotations

from django.conf import settings

from bistand.cases.models import Municipality

from .session import current_person


def applicant(request) -> dict:
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "eservice":
        return {}
    person = current_person(request)
    name = ""
    if person is not None:
        name = f"{person.given_name} {person.family_name}".strip() or person.masked
    where = Municipality.objects.filter(code=settings.MUNICIPALITY_CODE).values("name").first()
    return {
        "applicant": person,
        "applicant_name": name,
        "municipality_name": where["name"] if where else "",
    }
