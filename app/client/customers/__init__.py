"""Customers, tags and saved views as the console sees them (Qt-free)."""
