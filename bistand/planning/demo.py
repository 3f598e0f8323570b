"""Demo data for planning meetings (``bistand demo`` calls ``seed``): the demo
arbetsmarknadssekreterare ``arbetsmarknad`` (password ``demo``, both units) and meeting slots
for tomorrow and the day after in both demo units, so that a new applicant who submits a
nyansökan from `make run` can book a meeting for tomorrow on Mina sidor. Sara Nilsson, the
e-service's demo applicant, has consented to e-mail notices (sara.nilsson@example.invalid).
Safe to run again: nothing is made twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from bistand.staff.models import Role, StaffProfile

USERNAME = "arbetsmarknad"
HOURS = (9, 10, 11, 13, 14, 15)


def _secretary(municipality, units, password: str):
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.first_name, user.last_name = "Maja", "Ek"
    user.email = "maja.ek@exempelkommun.invalid"
    user.is_active = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.LABOUR_MARKET)[0])
    profile, _ = StaffProfile.objects.update_or_create(
        user=user, defaults={"municipality": municipality, "title": "Arbetsmarknadssekreterare"}
    )
    profile.units.set(units)
    return user


def seed(stdout=None, *, today=None) -> int:
    from bistand.cases import seeding
    from bistand.cases.models import Person, Unit
    from bistand.core.management.commands.demo import DEMO_STAFF_PASSWORD as password
    from bistand.eservice.demo import SARA
    from bistand.notifications.models import ContactPreference

    from .models import Mode, Slot

    municipality = seeding.get_municipality()
    units = list(Unit.objects.filter(municipality=municipality).order_by("pk"))
    user = _secretary(municipality, units, password)
    today = today or timezone.localdate()
    made = 0
    for offset in (1, 2):
        day = today + timedelta(days=offset)
        for unit in units:
            for n, hour in enumerate(HOURS):
                starts = timezone.make_aware(datetime.combine(day, time(hour)))
                video = n % 3 == 2
                _, created = Slot.objects.get_or_create(
                    unit=unit,
                    starts_at=starts,
                    defaults={
                        "minutes": 45,
                        "mode": Mode.VIDEO if video else Mode.PLACE,
                        "place": (
                            "https://video.exempelkommun.invalid/planering"
                            if video
                            else f"Stadshuset, Storgatan 1, rum {unit.pk}{n + 1:02d}"
                        ),
                        "created_by": user,
                    },
                )
                made += created
    sara = Person.objects.filter(personnummer=SARA.personnummer.replace("-", "")).first()
    if sara is not None:
        ContactPreference.objects.get_or_create(
            person=sara, defaults={"email": "sara.nilsson@example.invalid"}
        )
    if stdout is not None:
        stdout.write(
            f"Planning meetings: {made} new slots for tomorrow and the day after in "
            f"{', '.join(u.name for u in units)}; arbetsmarknadssekreterare "
            f"{USERNAME!r} (password {password!r}) at /handlaggning/planering/"
        )
    return made
