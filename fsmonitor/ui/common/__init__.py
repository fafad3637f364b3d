"""Helpers every room uses: durations, named timers, field marks, replies, settings values."""
