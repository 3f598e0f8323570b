"""Underrättelse (lag 2008:206): a notice to another authority that its benefit may have been paid
wrongly; recorded with its ground, listed, exported, never shown to the household."""
