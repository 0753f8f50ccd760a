"""Widgets, item models, dialogs and the Qt adapter of the console session. No network, no SQL."""
