"""Manager tools: the overview plots, the reply library, the rota editor and team administration."""
