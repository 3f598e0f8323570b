"""Konto för utbetalning: where the applicant's assistance is paid, given and changed here.

Giving or changing the account needs a fresh e-ID login, as signing does (``session.
login_is_fresh``, ``BISTAND_EID_SIGN_WITHIN_MINUTES``): an older login is sent through the
broker again (``prompt=login``) before the form is shown, and a form posted with an older
login saves nothing. Only the logged-in person's own account is ever read or written; the page
shows it masked.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bistand.audit.services import Actor
from bistand.payments import methods
from bistand.payments import services as payments
from bistand.payments.models import PayoutMethod

from .. import forms
from ..session import applicant_required, login_is_fresh, signer_login
from .apply import error_list


def _next(request) -> str:
    """Where to go after saving: a page of Mina sidor (the review page of an application),
    else the account page."""
    value = request.GET.get("next", "")
    home = reverse("eservice:home")
    if (
        value.startswith(home)
        and not value.startswith("//")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return ""


def _fresh_login_url(request) -> str:
    """Through the e-ID broker again (``igen=1``: ``prompt=login``), then back here."""
    query = {"next": request.get_full_path(), "igen": "1"}
    return f"{reverse('eservice:login-start')}?{urlencode(query)}"


def waiting_for_account(person) -> list:
    """Granted payments that cannot be paid until the person gives an account."""
    return list(
        payments.awaiting_account()
        .filter(payee=person)
        .select_related("application")
        .order_by("due_date", "pk")
    )


@never_cache
@applicant_required
def account(request):
    """The account on file (masked), its date, and the way to give or change it."""
    person = request.applicant
    return render(
        request,
        "eservice/minasidor/account.html",
        {
            "account": payments.payout_account_of(person),
            "waiting": waiting_for_account(person),
            "next": _next(request),
        },
    )


@never_cache
@applicant_required
def change(request):
    """Give or change the account, confirmed by a login at most 15 minutes old."""
    person = request.applicant
    if not login_is_fresh(request):
        if request.method == "POST":  # nothing is saved on an older login
            return redirect(_fresh_login_url(request))
        return render(
            request,
            "eservice/minasidor/account_login.html",
            {"login_url": _fresh_login_url(request), "next": _next(request)},
        )
    current = payments.payout_account_of(person)
    offered = methods.offered()
    initial = {"method": current.method if current and current.method in offered else offered[0]}
    form = forms.PayoutAccountForm(
        request.POST if request.method == "POST" else None, methods=offered, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = payments.change_payout_account(
                person,
                method=data["method"],
                clearing_number=data["clearing_number"],
                account_number=data["account_number"],
                login=signer_login(request),
                actor=Actor.applicant(person),
            )
        except payments.StaleLogin:
            return redirect(_fresh_login_url(request))
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Kontot är sparat. Vi betalar ut till %(account)s.") % {"account": saved.masked},
            )
            return redirect(_next(request) or reverse("eservice:account"))
    return render(
        request,
        "eservice/minasidor/account_form.html",
        {
            "form": form,
            "errors": error_list(form),
            "account": current,
            "next": _next(request),
            "bank_account_only": offered == [PayoutMethod.BANK_ACCOUNT],
        },
    )
