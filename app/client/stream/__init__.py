"""The cached mention stream: the session that follows the server, the local store, the outbox."""
