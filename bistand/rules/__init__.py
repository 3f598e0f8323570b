"""Bistånd's rules engine: the monthly calculation of försörjningsstöd.

Pure Python, no Django. Parameters are dated YAML files under ``parameters/``;
each rule is a small function carrying its legal reference; every calculation
returns its trace. See docs/rules.md.
"""

from .calculation import ENGINE_VERSION, calculate, calculate_json
from .errors import InputError, MissingParameterError, ParameterFileError, RulesError
from .explain import render as explain
from .household import HouseholdMonth, parse_household
from .parameters import ParameterStore, default_store
from .trace import TRACE_VERSION, Result

__all__ = [
    "ENGINE_VERSION",
    "TRACE_VERSION",
    "HouseholdMonth",
    "InputError",
    "MissingParameterError",
    "ParameterFileError",
    "ParameterStore",
    "Result",
    "RulesError",
    "calculate",
    "calculate_json",
    "default_store",
    "explain",
    "parse_household",
]
