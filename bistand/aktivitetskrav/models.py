"""Aktivitetskrav: the app's tables (see bistand/aktivitetskrav/__init__.py)."""
