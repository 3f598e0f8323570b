"""Parameter administration: readiness (is next year's riksnorm entered?) and dry runs.

The rules engine's parameters are YAML files (bistand/rules/parameters/); this app is the
Django side of looking after them: ``bistand parameters status|dry-run``, the warning on the
administrators' pages, the worker's daily log line and the help text. The logic that needs no
database lives in the rules engine (bistand/rules/readiness.py, ParameterStore.overlay).

Why an app of its own: looking after the law's figures is a concept of its own with its own
users (administrators), not plumbing (core), not the pipeline (robot, which only calls one
hook) and not the rules engine (which must not import Django); the design brief gives new
concepts their own app with the usual inner shape (services, views, templates, tests).
"""
