"""Benchmarks that need a large database: ``world`` fills a fresh one with a synthetic
municipality of 100 000 cases (the workspace, follow-up and system benchmarks use it) and
``workspace`` times the caseworker's pages (``bistand bench workspace``). Each app's own
benchmark stays in the app (robot/bench.py, rules/bench.py, followup/bench.py,
ops/bench_system.py); figures go into docs/performance.md."""
