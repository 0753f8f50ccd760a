"""Manager and admin tools without Qt: overview figures, reply library, team administration."""
