"""Shared records, settings, errors and text normalisation."""
