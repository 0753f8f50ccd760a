"""Qt glue shared by every feature: qasync slots, signal relays and the colour theme."""
