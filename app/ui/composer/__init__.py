"""The reply composer's widgets: the panel and its parts (editor, prompts, countdown, conflict
questions, canned menu, send bar) and the Qt adapter of the composer core."""
