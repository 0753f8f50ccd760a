"""Handoffs: the panel of open handoffs, the hand-off and decline dialogs, and their desk."""
