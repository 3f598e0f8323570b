import math

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from bistand.cli import main
from bistand.staff import access
from bistand.staff.models import Role


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username, password):
    response = client.post("/konto/logga-in/", {"username": username, "password": password})
    return response.status_code == 302


def test_demo_refuses_without_debug(settings, capsys):
    settings.DEBUG = False
    with pytest.raises(SystemExit) as exit_:
        main(["bistand", "demo"])
    assert exit_.value.code == 2
    assert "DEBUG is off" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_creates_no_user_without_debug(settings):
    # call_command, not main(): the command line closes every database connection when done,
    # which would end the test's transaction.
    settings.DEBUG = False
    with pytest.raises(CommandError) as error:
        call_command("demo")
    assert error.value.returncode == 2
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_demo_creates_the_admin_superuser_once(settings, client):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    call_command("demo")

    users = get_user_model().objects.filter(username="admin")
    assert users.count() == 1
    admin = users.get()
    assert admin.is_staff and admin.is_superuser and admin.is_active
    assert log_in(client, "admin", "admin")
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_demo_restores_the_demo_password(settings):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("something else")
    admin.save()

    call_command("demo")

    admin.refresh_from_db()
    assert admin.check_password("admin")


@pytest.mark.django_db
def test_demo_without_a_simulator_says_so(settings, capsys):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    assert "No register simulator" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_loads_households_once(
    settings, register_simulator, django_capture_on_commit_callbacks
):
    from bistand.cases.models import Application

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=False):
        call_command("demo")
        call_command("demo")
    assert Application.objects.filter(state="submitted").count() == 25
    # Last month's statistics: every adult of every decided household has a försörjningshinder
    # (the history's households and, recorded by the demo, the 25 households' imported month).
    from bistand.cases.seeding import previous_month
    from bistand.outcomes.services import adults
    from bistand.rules.period import Month
    from bistand.statistics import services

    today = timezone.localdate()
    last = previous_month(Month(today.year, today.month))
    decided = Application.objects.filter(month=str(last), decision__isnull=False)
    assert decided.count() > 25
    for application in decided:
        hinder = {a.person_id: a.hinder for a in application.adult_months.all()}
        assert all(hinder.get(p.pk) for p in adults(application.case, application.month))
    delivery = services.build(decided.first().case.municipality, last)
    assert delivery.municipality.kommunkod == "0000"
    assert not any("saknas" in p.text for p in delivery.problems)


@pytest.mark.django_db
def test_demo_draws_last_months_stickprov_once_for_the_team_lead(
    settings, register_simulator, django_capture_on_commit_callbacks, client
):
    """The walk-through ends with the gruppledare's stickprov control: there must be one."""
    from django.utils import timezone

    from bistand.cases.seeding import previous_month
    from bistand.decisions.models import Decision, StickprovControl, StickprovDraw
    from bistand.rules.period import Month

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=False):
        call_command("demo")
        call_command("demo")
    today = timezone.localdate()
    last_month = str(previous_month(Month(today.year, today.month)))
    # Last month's draw once; the year of history before it has draws of its own, controlled.
    draw = StickprovDraw.objects.get(month=last_month)
    assert not StickprovDraw.objects.filter(month__gt=last_month).exists()
    # Every decision of last month (the 25 households' last month, the history's households
    # on assistance then) is in the population; the policy's 10 % is drawn.
    decided = Decision.objects.filter(application__month=last_month).count()
    assert draw.population == decided >= 25
    drawn = draw.controls.filter(outcome="pending").count()
    assert drawn == math.ceil(decided * 10 / 100)
    assert not StickprovControl.objects.exclude(draw=draw).filter(outcome="pending").exists()
    client.force_login(get_user_model().objects.get(username="gruppledare"))
    queue = client.get("/handlaggning/ko/stickprov/").content.decode()
    assert f"Stickprov att kontrollera: {drawn} beslut" in queue


@pytest.mark.django_db
def test_demo_applicants_have_payout_accounts_so_the_days_file_has_payments(
    settings, register_simulator, django_capture_on_commit_callbacks
):
    """Without an account an order is left out of the payment file: the walk-through's 'export
    the day's payment file' made no file at all."""
    from bistand.audit.models import AuditEvent
    from bistand.cases.models import Case
    from bistand.payments.models import PayoutAccount

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=False):
        call_command("demo")
        call_command("demo")
    applicants = {
        member.person_id
        for case in Case.objects.filter(municipality__code="exempelkommun")
        for member in case.household.members.all()
        if member.role == "applicant"
    }
    assert len(applicants) >= 25
    accounts = PayoutAccount.objects.filter(person_id__in=applicants)
    assert accounts.count() == len(applicants)
    assert {a.clearing_number for a in accounts} == {"83279"}  # stored without the hyphen
    assert len({a.account_number for a in accounts}) == len(applicants)
    # Once: the second run sets none again.
    assert AuditEvent.objects.filter(action="payment.account_set").count() == (
        PayoutAccount.objects.count()
    )


DEMO_STAFF = {
    # username: (name, role, units, protected identity, admin)
    "handlaggare": ("Anna Andersson", Role.CASEWORKER, {"Enhet Nord"}, False, False),
    "handlaggare2": ("Bo Berg", Role.CASEWORKER, {"Enhet Syd"}, False, False),
    "gruppledare": ("Gun Lind", Role.TEAM_LEAD, {"Enhet Nord", "Enhet Syd"}, True, False),
    "administrator": ("Ali Karlsson", Role.ADMINISTRATOR, set(), False, True),
    "granskare": ("Greta Persson", Role.AUDITOR, set(), True, True),
}


@pytest.mark.django_db
def test_demo_creates_the_demo_staff_of_exempelkommun_once(settings, client, capsys):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    call_command("demo")

    users = get_user_model().objects.filter(username__in=DEMO_STAFF)
    assert users.count() == len(DEMO_STAFF)
    for user in users:
        name, role, units, protected, admin = DEMO_STAFF[user.username]
        assert user.get_full_name() == name
        assert access.roles(user) == {role}
        assert user.staff.municipality.code == "exempelkommun"
        assert {unit.name for unit in user.staff.units.all()} == units
        assert user.staff.protected_identity_access is protected
        assert user.is_staff is admin and not user.is_superuser
        assert user.check_password("demo")

    out = capsys.readouterr().out
    assert "password 'demo' for all" in out and "DEMO ONLY" in out
    for username in DEMO_STAFF:
        assert username in out


@pytest.mark.django_db
def test_demo_puts_the_demo_staff_back_as_listed(settings):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    anna = get_user_model().objects.get(username="handlaggare")
    anna.groups.clear()
    anna.staff.units.clear()
    anna.set_password("annat")
    anna.is_active = False
    anna.save()

    call_command("demo")

    anna = get_user_model().objects.get(username="handlaggare")
    assert anna.is_active and anna.check_password("demo")
    assert access.roles(anna) == {Role.CASEWORKER}
    assert [unit.name for unit in anna.staff.units.all()] == ["Enhet Nord"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", DEMO_STAFF)
def test_each_demo_staff_member_can_log_in_with_demo(settings, client, username):
    settings.DEBUG = True
    settings.REGISTER_SIMULATOR_URL = "http://127.0.0.1:9"
    call_command("demo")
    assert log_in(client, username, "demo")
    assert client.get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_the_demos_clean_2026_families_are_decided_without_the_provisional_flag(
    settings, register_simulator, django_capture_on_commit_callbacks
):
    """The 2026 riksnorm is official (SFS 2025:1046): the robot decides a family with children
    in December 2026 when nothing else is flagged, and no proposal says "preliminärt"."""
    import time_machine

    from bistand.cases.models import Application
    from bistand.decisions.models import Proposal
    from bistand.robot import pipeline

    settings.DEBUG = True
    with time_machine.travel("2026-12-06 09:00 +01:00", tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            call_command("demo")
        applications = list(Application.objects.filter(month="2026-12", state="submitted"))
        assert len(applications) == 25
        outcomes = {a.pk: pipeline.process(a.pk) for a in applications}
    proposals = list(Proposal.objects.filter(application__month="2026-12"))
    assert len(proposals) == 25
    for proposal in proposals:
        assert "PROVISIONAL_PARAMETER" not in proposal.flag_codes
        assert "PROVISIONAL_PARAMETER" not in [r["code"] for r in proposal.route_reasons]
        assert not proposal.calculation.provisional
    with_children = [
        p
        for p in proposals
        if any(m["role"] == "child" for m in p.calculation.trace["input"]["members"])
    ]
    decided = [p for p in with_children if outcomes[p.application_id] == "decided"]
    assert decided, "no clean family with children was decided by the robot"
    for proposal in decided:
        assert not proposal.route_reasons
