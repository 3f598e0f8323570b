"""Cosignature.declined_at, and the basis of the memberships made before membership by consent.

Before this change the e-service made everyone named in a first application a member of the
new household at the first signature. Each adult membership made then is classified here:

- the case has no e-service signature at all (opened by staff, a paper application, an
  import): ``registered``;
- the person signed the application that opened the case: ``signed``;
- otherwise: ``unverified`` — they were added because someone typed their personnummer. Such a
  membership gives no access; ``bistand membership check`` lists it for staff to review.
"""

from django.db import migrations, models

ADULT_ROLES = ("applicant", "partner")


def classify(apps, schema_editor):
    HouseholdMember = apps.get_model("cases", "HouseholdMember")
    Application = apps.get_model("cases", "Application")
    Signature = apps.get_model("eservice", "Signature")
    signed_cases = set(
        Signature.objects.values_list("application__case__household_id", flat=True).distinct()
    )
    for member in HouseholdMember.objects.filter(household_id__in=signed_cases).iterator():
        if member.role not in ADULT_ROLES:
            basis = "declared"
        else:
            first = (
                Application.objects.filter(case__household_id=member.household_id)
                .order_by("created_at", "pk")
                .first()
            )
            own = Signature.objects.filter(application=first, person_id=member.person_id)
            basis = "signed" if first is not None and own.exists() else "unverified"
        if basis != member.basis:
            HouseholdMember.objects.filter(pk=member.pk).update(basis=basis)


class Migration(migrations.Migration):
    dependencies = [
        ("eservice", "0001_initial"),
        ("cases", "0004_membership_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="cosignature",
            name="declined_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="avböjd"),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
