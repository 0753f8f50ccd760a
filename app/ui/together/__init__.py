"""Working on a mention together in the console: notes in the detail pane, who else is there
(row badges, the detail's line, a word in the composer), and notes that name me."""
