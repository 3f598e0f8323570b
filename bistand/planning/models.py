"""Planeringsmöten: the app's tables (see bistand/planning/__init__.py)."""
