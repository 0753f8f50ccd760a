"""Working on a mention together, without Qt: who else is there, and internal notes."""
