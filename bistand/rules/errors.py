"""Errors the rules engine reports. Messages are Swedish and name what is wrong."""

from __future__ import annotations


class RulesError(Exception):
    """Base class: the calculation cannot be made, and the message says why."""


class InputError(RulesError):
    """Bad input: ``field`` is a path into the input document, e.g. ``members[2].born``."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class MissingParameterError(RulesError):
    """No parameter value applies to the month (never fall back to the nearest year)."""


class ParameterFileError(RulesError):
    """A parameter file is malformed; raised when the parameters are loaded."""
