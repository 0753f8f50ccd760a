"""The composer's Qt-free core: drafts, the cool-off outbox and what happened to a reply."""
