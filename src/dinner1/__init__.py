"""Dinner1: soul-before-skin dating that books first dates into restaurants' quiet hours."""

__version__ = "0.1.0"
