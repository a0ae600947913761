"""Reusable widgets of the desktop app (no core logic here)."""
