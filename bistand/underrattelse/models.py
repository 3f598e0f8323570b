"""Underrättelser: the app's tables (see bistand/underrattelse/__init__.py)."""
