"""Browser tests (``tests/``) and the caseworker pages' benchmark (``bench.py``).

Not a Django app: nothing here is installed or migrated. docs/testing.md says how the browser
tests run (Debian's Chromium through Playwright, axe-core on every page).
"""
