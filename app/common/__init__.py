"""Small Qt-free building blocks shared by the client core and the team server."""
