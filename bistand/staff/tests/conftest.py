import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in many times; the real hasher is slow on purpose (a second or so each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
