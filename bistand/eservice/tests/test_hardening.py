# ruff: noqa: F811  (the fixtures imported from test_apply are used as arguments)
"""The e-service under odd requests: a tampered form gives a Swedish message, never a 500,
and nothing is lost; the steps are never cached."""

from __future__ import annotations

import pytest

from bistand.eservice.models import Attachment

from .test_apply import (  # noqa: F401  (fixtures)
    PDF,
    attachment_root,
    month,
    municipality,
    solo,
    upload,
)


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "", " ", "²", "9" * 40, "-1", "1.5"])
def test_a_tampered_remove_value_is_a_message_and_nothing_is_lost(
    client, solo, attachment_root, value
):
    assert upload(client, solo, PDF).status_code == 302
    kept = Attachment.objects.get()

    response = client.post(f"/mina-sidor/ansok/{solo.pk}/bilagor/", {"remove": value})

    assert response.status_code == 302
    assert response["Location"] == f"/mina-sidor/ansok/{solo.pk}/bilagor/"
    page = client.get(response["Location"]).content.decode()
    assert "Vi hittade inte bilagan du ville ta bort. Ingen bilaga är borttagen." in page
    assert Attachment.objects.get() == kept and kept.file.storage.exists(kept.file.name)


def test_another_drafts_attachment_is_not_removed(client, solo, attachment_root):
    upload(client, solo, PDF)
    attachment = Attachment.objects.get()
    Attachment.objects.filter(pk=attachment.pk).update(draft=None)  # not this draft's
    response = client.post(
        f"/mina-sidor/ansok/{solo.pk}/bilagor/", {"remove": str(attachment.pk)}, follow=True
    )
    assert "Vi hittade inte bilagan" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_removing_an_attachment_still_works(client, solo, attachment_root):
    upload(client, solo, PDF)
    attachment = Attachment.objects.get()
    response = client.post(
        f"/mina-sidor/ansok/{solo.pk}/bilagor/", {"remove": str(attachment.pk)}, follow=True
    )
    assert "Bilagan är borttagen." in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_steps_and_mina_sidor_are_never_cached(client, solo):
    for url in (
        "/mina-sidor/",
        "/mina-sidor/ansok/",
        f"/mina-sidor/ansok/{solo.pk}/boende/",
        f"/mina-sidor/ansok/{solo.pk}/bilagor/",
        f"/mina-sidor/ansok/{solo.pk}/granska/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "default-src 'self'" in response["Content-Security-Policy"], url


def test_an_upload_streams_into_the_private_folder_beside_the_attachments(
    client, solo, attachment_root, settings, monkeypatch
):
    """Received to disk (above the memory limit) in <attachments>/.uploads, 0600, removed once
    the request has ended."""
    import stat
    from pathlib import Path

    from bistand.core import uploads

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload to disk
    settings.FILE_UPLOAD_TEMP_DIR = str(attachment_root / ".uploads")
    seen = []
    original = uploads.PrivateTemporaryFileUploadHandler.file_complete

    def spy(self, size):
        path = Path(self.file.temporary_file_path())
        seen.append((path, stat.S_IMODE(path.stat().st_mode)))
        return original(self, size)

    monkeypatch.setattr(uploads.PrivateTemporaryFileUploadHandler, "file_complete", spy)
    assert upload(client, solo, PDF).status_code == 302
    [(path, mode)] = seen
    assert path.parent == attachment_root / ".uploads" and mode == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not path.exists()  # gone once the request ended
    assert Attachment.objects.get().file.path.startswith(str(attachment_root))


@pytest.mark.parametrize("value", ["²", "9" * 40, "abc"])
def test_a_tampered_household_choice_is_not_a_500(client, solo, month, value):
    response = client.post("/mina-sidor/ansok/", {"month": month, "hushall": value})
    assert response.status_code in (200, 302)
