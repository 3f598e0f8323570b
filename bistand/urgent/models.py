"""Akut hjälp (nödbistånd): the app's tables (see bistand/urgent/__init__.py)."""
