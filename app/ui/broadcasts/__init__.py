"""Broadcasts: the banner, the acknowledgements view and the manager's broadcast dialog."""
