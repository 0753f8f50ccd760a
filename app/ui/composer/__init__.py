"""The reply composer: the panel, its tone prompts and the Qt adapter of the composer core."""
