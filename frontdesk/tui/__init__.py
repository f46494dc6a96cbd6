"""Textual only: the desk application."""
