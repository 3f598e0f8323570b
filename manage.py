#!/usr/bin/env python3
"""Django's manage.py; the same as the installed ``bistand`` command."""

from bistand.cli import main

if __name__ == "__main__":
    main()
