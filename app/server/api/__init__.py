"""HTTP routers of the public API: one thin router per resource; rules live in services."""
