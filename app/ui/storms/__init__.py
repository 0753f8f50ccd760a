"""Storms in the console: the banner, the storm view (its storms, groups, claims and holding
statement) and the desk that carries out what they ask."""
