"""The composer's Qt-free core: drafts, the cool-off (policy, outbox record, countdown, leaving),
what happened to a reply, and the presenter that decides what the composer panel shows."""
