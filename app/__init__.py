"""Responder Console: a desktop console and team server for answering customers on social networks."""

__version__ = "0.1.0"
