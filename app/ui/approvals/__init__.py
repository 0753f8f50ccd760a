"""Approvals in the console: the manager's tray entries and dialogs, and telling who asked."""
