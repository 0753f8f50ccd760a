"""Duty and coverage: the tray remote control, the roster and follow-ups docks, the team wiring."""
