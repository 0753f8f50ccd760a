"""Broadcasts: the banner, the acknowledgements view, the manager's broadcast dialog, their desk."""
