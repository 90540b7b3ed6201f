"""Headless calculation engines with the ictco2_xl worksheet functions registered (adapters, not core)."""
