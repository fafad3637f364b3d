"""The main window and what it owns: connection bar, settings and profiles, export, gc policy."""
