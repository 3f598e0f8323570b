"""The existing events that tell an applicant something, hooked without touching their code:
after-commit listeners on the audit log's ``application.transition`` events
(bistand/audit/services.py ``on_commit_of``). Every state change goes through
``cases.states.transition`` (or its batch twin, which the robot's automated decisions use),
and each writes that event, so caseworkers' and the robot's decisions are both seen here.

* → ``awaiting_cosignature``: the partner who must sign (``cosign_needed``);
* → ``completion_requested``: the application's adults (``completion_requested``);
* → ``decided``: the application's adults (``decision_made``).

And ``eservice.cosign_reminder`` (the worker's reminder to a partner who has not signed):
the partner again (``cosign_needed``).
"""

from __future__ import annotations

import logging

from bistand.cases.models import Application, Person

from .services import notify

log = logging.getLogger(__name__)

TO_STATE_KIND = {
    "completion_requested": "completion_requested",
    "decided": "decision_made",
}


def adults_of(application: Application) -> list[Person]:
    """Whom a notice about the application goes to: its sökande and medsökande."""
    from bistand.cases.membership import confirmed_adults

    persons = [adult.person for adult in confirmed_adults(application)]
    if not persons:  # e.g. a nyansökan whose household is not yet confirmed: who signed it
        from bistand.eservice.models import Signature

        persons = [
            s.person
            for s in Signature.objects.filter(application=application).select_related("person")
        ]
    return list({p.pk: p for p in persons}.values())


def _application(event) -> Application | None:
    try:
        application_id = int(event.subject.split(":", 1)[1])
    except (IndexError, ValueError):
        return None
    return Application.objects.select_related("case").filter(pk=application_id).first()


def _tell_partner(application: Application) -> None:
    cosignature = getattr(application, "cosignature", None)
    if cosignature is not None and cosignature.signed_at is None:
        notify(cosignature.partner, "cosign_needed", case_id=application.case_id)


def on_cosign_reminder(event) -> None:
    application = _application(event)
    if application is not None:
        _tell_partner(application)


def on_transition(event) -> None:
    to_state = (event.data or {}).get("to")
    if to_state != "awaiting_cosignature" and to_state not in TO_STATE_KIND:
        return
    application = _application(event)
    if application is None:
        return
    if to_state == "awaiting_cosignature":
        _tell_partner(application)
        return
    for person in adults_of(application):
        notify(person, TO_STATE_KIND[to_state], case_id=application.case_id)


def connect() -> None:
    from bistand.audit.services import on_commit_of

    on_commit_of("application.transition", on_transition)
    on_commit_of("eservice.cosign_reminder", on_cosign_reminder)
