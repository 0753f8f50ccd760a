"""Duty and coverage: the tray remote control, the roster and follow-ups views and their desks."""
