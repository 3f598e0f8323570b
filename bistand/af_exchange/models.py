"""Utbyte med Arbetsförmedlingen: the app's tables (see bistand/af_exchange/__init__.py)."""
