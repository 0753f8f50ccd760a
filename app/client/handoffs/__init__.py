"""Handoffs without Qt: the open handoffs on an injectable clock, and the requests."""
