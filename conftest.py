"""Pytest plugins shared by every app's tests."""

pytest_plugins = ["bistand.connectors.testing"]
