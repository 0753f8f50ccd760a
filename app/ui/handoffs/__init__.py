"""Handoffs: the panel of open handoffs and the hand-off and decline dialogs."""
