"""Överklaganden: the app's tables (see bistand/appeals/__init__.py)."""
