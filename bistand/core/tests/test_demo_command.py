import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from bistand.cli import main


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
    # client.login() would skip django-axes' check, which needs the request: log in for real
    response = client.post("/konto/logga-in/", {"username": "admin", "password": "admin"})
    assert response.status_code == 302
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
