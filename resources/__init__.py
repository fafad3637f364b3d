"""Shipped resources (icons, styles, the .desktop file), loaded by path from the package."""
