"""Qt glue shared by every feature: qasync slots, signal relays, the colour theme, the notice
channel, banners and docks."""
