"""The customer's history and the mention's tags in the detail pane, and linking customers."""
