"""Duty, coverage, roster and follow-ups, and the bundle of everything team-related."""
