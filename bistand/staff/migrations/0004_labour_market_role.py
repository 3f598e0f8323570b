from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="arbetsmarknadssekreterare")


class Migration(migrations.Migration):
    """The arbetsmarknadssekreterare's role (issue 13: planning meetings within 24 hours)."""

    dependencies = [("staff", "0003_staffprofile_login_id")]

    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
