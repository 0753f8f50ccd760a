"""The long-running workers of `serve`: the ingest supervisor and its per-account workers
(`ingest`), the reply sender (`sender`), the runtime that starts and stops both (`runtime`),
the locks that keep each account and each reply with one process (`locks`) and the connector
they share per account (`pool`). The rules they apply are services (app/server/services/)."""
