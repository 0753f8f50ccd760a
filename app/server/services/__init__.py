"""Business rules of the team server; each function runs inside its caller's transaction."""
