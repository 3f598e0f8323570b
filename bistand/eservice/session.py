"""The applicant's session: who is logged in, since when, and for how long.

The session holds the person's id, the login's reference and its time; never the
personnummer. A session ends after ``EID_SESSION_IDLE_MINUTES`` without a request, after
``EID_SESSION_MAX_MINUTES`` in all, and when the applicant logs out.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from bistand.audit.services import Actor, record
from bistand.cases.models import Person

from .eid import Login
from .services import SignerLogin

KEY = "eid"


def log_in(request, person: Person, login: Login) -> None:
    """A fresh session for this person (a new session key: no fixation, no staff login left)."""
    request.session.flush()
    now = timezone.now()
    request.session[KEY] = {
        "person": person.pk,
        "issuer": login.issuer,
        "ref": login.ref,
        "at": now.isoformat(),
        "seen": now.isoformat(),
        "id_token": login.id_token,
    }
    request.session.set_expiry(settings.EID_SESSION_IDLE_MINUTES * 60)
    record(
        "eservice.login",
        actor=Actor.applicant(person),
        subject=f"person:{person.pk}",
        data={"issuer": login.issuer},
    )


def log_out(request) -> str:
    """Ends the session; returns the ID token for the broker's logout ("" if none)."""
    data = request.session.get(KEY) or {}
    if data.get("person"):
        record(
            "eservice.logout",
            actor=f"applicant:{int(data['person'])}",
            subject=f"person:{data['person']}",
        )
    request.session.flush()
    return data.get("id_token", "")


def _session(request) -> dict | None:
    data = request.session.get(KEY)
    if not isinstance(data, dict) or "person" not in data:
        return None
    now = timezone.now()
    started = datetime.fromisoformat(data["at"])
    seen = datetime.fromisoformat(data["seen"])
    if now - started > timedelta(minutes=settings.EID_SESSION_MAX_MINUTES) or now - seen > (
        timedelta(minutes=settings.EID_SESSION_IDLE_MINUTES)
    ):
        request.session.flush()
        return None
    if now - seen > timedelta(minutes=1):  # one session write a minute, not one per request
        data["seen"] = now.isoformat()
        request.session.modified = True
    return data


def current_person(request) -> Person | None:
    """The logged-in applicant, or None (also when the session has expired)."""
    if hasattr(request, "_applicant"):
        return request._applicant
    data = _session(request)
    person = Person.objects.filter(pk=data["person"]).first() if data else None
    request._applicant = person
    return person


def signer_login(request) -> SignerLogin:
    """The current login (issuer, reference, time), which a signature rests on."""
    data = _session(request) or {}
    return SignerLogin(
        issuer=data.get("issuer", ""),
        ref=data.get("ref", ""),
        at=datetime.fromisoformat(data["at"]) if data.get("at") else None,
    )


def login_is_fresh(request) -> bool:
    """Logged in recently enough to sign (EID_SIGN_WITHIN_MINUTES)."""
    at = signer_login(request).at
    return at is not None and timezone.now() - at <= timedelta(
        minutes=settings.EID_SIGN_WITHIN_MINUTES
    )


def login_url(next_path: str, *, again: bool = False) -> str:
    query = {"next": next_path}
    if again:
        query["igen"] = "1"
    return f"{reverse('eservice:login')}?{urlencode(query)}"


def applicant_required(view):
    """The view needs a logged-in applicant: ``request.applicant``; else to the login page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        person = current_person(request)
        if person is None:
            return redirect(login_url(request.get_full_path()))
        request.applicant = person
        return view(request, *args, **kwargs)

    return wrapper
