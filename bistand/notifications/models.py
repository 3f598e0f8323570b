"""Aviseringar: the app's tables (see bistand/notifications/__init__.py)."""
