"""Parameter administration: readiness (is next year's riksnorm entered?) and dry runs.

The rules engine's parameters are YAML files (bistand/rules/parameters/); this app is the
Django side of looking after them: ``bistand parameters status|dry-run``, the warning on the
administrators' pages, the worker's daily log line and the help text. The logic that needs no
database lives in the rules engine (bistand/rules/readiness.py, ParameterStore.overlay).
"""
