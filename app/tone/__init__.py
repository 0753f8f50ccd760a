"""Tone check and priority scoring: pure functions, no I/O."""
