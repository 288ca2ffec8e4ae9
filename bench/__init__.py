"""Benchmarks: ``make bench`` runs each module's ``main``. Figures are printed, never asserted."""
