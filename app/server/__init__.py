"""The team server: the shared source of truth for mentions, ownership, duty and handoffs."""
