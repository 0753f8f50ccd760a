"""Qt-free console core: API client, event stream, local store, outbox, credentials, session."""
