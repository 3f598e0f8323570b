"""Kommunicering: the app's tables (see bistand/kommunicering/__init__.py)."""
