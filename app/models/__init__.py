"""Domain enums, wire schemas (pydantic) and ORM tables shared by the server and the console."""
