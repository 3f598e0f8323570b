"""Every existing case with submitted applications gets its period 1, open, from its earliest
month applied for (docs/outcomes.md). Cases without a submitted application get their period
when their first application is submitted (``bistand.outcomes.services.ensure_period``)."""

from django.db import migrations
from django.db.models import Min


def first_periods(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    AssistancePeriod = apps.get_model("outcomes", "AssistancePeriod")
    have = set(AssistancePeriod.objects.values_list("case_id", flat=True))
    rows = (
        Application.objects.filter(submitted_at__isnull=False)
        .values("case_id")
        .annotate(first_month=Min("month"), opened_at=Min("submitted_at"))
        .order_by("case_id")
    )
    batch = []
    for row in rows.iterator(chunk_size=2000):
        if row["case_id"] in have:
            continue
        batch.append(
            AssistancePeriod(
                case_id=row["case_id"],
                number=1,
                first_month=row["first_month"],
                opened_at=row["opened_at"],
            )
        )
        if len(batch) >= 2000:
            AssistancePeriod.objects.bulk_create(batch)
            batch = []
    AssistancePeriod.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(first_periods, migrations.RunPython.noop)]
