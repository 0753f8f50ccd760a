"""Broadcasts without Qt: owed acknowledgements, live acknowledgements, sending."""
