"""Qt glue shared by every feature: qasync slots, signal relays, the colour theme, the notice
channel, banners, docks and plain text (other people's words never rendered as HTML)."""
