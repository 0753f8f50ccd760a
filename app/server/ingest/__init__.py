"""Brand accounts at work: the ingest supervisor and workers (`supervisor`), the reply sender
(`sender`), their shared runtime inside `serve` (`runtime`), the account rows and state
(`accounts`), process locks (`locks`), the connector pool (`pool`) and the account commands of
the command line (`commands`). Kept import-light: the CLI loads only what a command needs."""
