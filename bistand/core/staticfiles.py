"""The static files' storage: WhiteNoise's hashed, compressed names from collectstatic's manifest.

Where collectstatic has never run (no manifest in STATIC_ROOT: the development server, a
benchmark's or a test's child process), pages refer to the files by their own names instead of
failing with "Missing staticfiles manifest entry", as Django does with ``DEBUG`` on. Such a
process serves static files from the apps' folders (``runserver``) or not at all. In production
``bistand serve`` collects before it starts (bistand/core/management/commands/serve.py), so the
manifest is there.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        if not self.hashed_files:  # nothing collected here
            return name
        return super().stored_name(name)
